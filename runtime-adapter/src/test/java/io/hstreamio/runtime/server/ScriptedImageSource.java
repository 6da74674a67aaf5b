package io.hstreamio.runtime.server;

import io.hstreamio.core.options.OptionDef;
import io.hstreamio.core.options.OptionsDefinition;
import io.hstreamio.core.task.SourceConnector;
import io.hstreamio.core.task.SourceTask;

/**
 * The options of {@link FakeImageMain}, a scripted image: SQL validates them like any connector's. It has no
 * in-process task; the runtime must run it as a child process.
 */
public final class ScriptedImageSource implements SourceConnector {
    private static final OptionsDefinition OPTIONS = OptionsDefinition.builder("scripted source")
            .add(OptionDef.integer("rows").doc("Complete (exit 0) at this count; 0 never.").defaultValue(0).build(),
                    OptionDef.integer("crashAt").doc("Exit 3 at this count, once.").defaultValue(0).build(),
                    OptionDef.integer("silentAt").doc("Stop talking at this count, once.").defaultValue(0).build(),
                    OptionDef.bool("ignoreStop").doc("Keep running after stop.").defaultValue(false).build())
            .build();

    @Override
    public String name() {
        return "scripted";
    }

    @Override
    public OptionsDefinition options() {
        return OPTIONS;
    }

    @Override
    public SourceTask createTask() {
        throw new UnsupportedOperationException("the scripted source runs only as an image (FakeImageMain)");
    }
}
