package io.hstreamio.runtime.server;

import io.hstreamio.core.connectors.GeneratorSource;
import io.hstreamio.core.options.OptionDef;
import io.hstreamio.core.options.Options;
import io.hstreamio.core.options.OptionsDefinition;
import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.task.SourceConnector;
import io.hstreamio.core.task.SourceContext;
import io.hstreamio.core.task.SourceTask;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test source: the generator, except that its first {@code failRuns} runs (per task id, in this JVM) fail with an
 * "injected failure" (or {@code failureMessage}) after {@code pollsBeforeFailure} polls. Proves that the supervisor
 * restarts and resumes, and lets a test choose what its last error says.
 */
public final class FlakySource implements SourceConnector {
    static final OptionDef<Integer> FAIL_RUNS = OptionDef.integer("failRuns").defaultValue(0).build();
    static final OptionDef<Integer> POLLS_BEFORE_FAILURE = OptionDef.integer("pollsBeforeFailure").defaultValue(2)
            .build();
    static final OptionDef<String> FAILURE_MESSAGE = OptionDef.string("failureMessage")
            .defaultValue("injected failure").build();
    private static final OptionsDefinition OPTIONS = OptionsDefinition.builder("flaky source")
            .addAll(new GeneratorSource().options()).add(FAIL_RUNS, POLLS_BEFORE_FAILURE, FAILURE_MESSAGE).build();

    /** Runs started per task id. */
    static final Map<String, AtomicInteger> RUNS = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return "flaky";
    }

    @Override
    public OptionsDefinition options() {
        return OPTIONS;
    }

    @Override
    public SourceTask createTask() {
        SourceTask generator = new GeneratorSource().createTask();
        return new SourceTask() {
            private int run;
            private int failRuns;
            private int pollsLeft;
            private String failureMessage;

            @Override
            public void start(Options options, SourceContext context) throws Exception {
                run = RUNS.computeIfAbsent(context.taskId(), k -> new AtomicInteger()).incrementAndGet();
                failRuns = options.get(FAIL_RUNS);
                pollsLeft = options.get(POLLS_BEFORE_FAILURE);
                failureMessage = options.get(FAILURE_MESSAGE);
                generator.start(options, context);
            }

            @Override
            public List<ChangeEvent> poll() throws Exception {
                if (run <= failRuns && pollsLeft-- <= 0) {
                    throw new IllegalStateException(failureMessage + " of run " + run);
                }
                return generator.poll();
            }

            @Override
            public void stop() {
                generator.stop();
            }
        };
    }
}
