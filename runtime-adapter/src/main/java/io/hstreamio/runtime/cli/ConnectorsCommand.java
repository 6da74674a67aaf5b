package io.hstreamio.runtime.cli;

import io.hstreamio.core.options.OptionDef;
import io.hstreamio.core.options.OptionsDefinition;
import io.hstreamio.core.runner.Connectors;
import io.hstreamio.core.task.ToolkitOptions;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "connectors", description = "Lists the source and sink connectors and their options.")
final class ConnectorsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Connectors c = Connectors.discover();
        c.sources().values().stream().sorted((a, b) -> a.name().compareTo(b.name()))
                .forEach(s -> print(out, "source", s.name(), ToolkitOptions.forSource(s)));
        c.sinks().values().stream().sorted((a, b) -> a.name().compareTo(b.name()))
                .forEach(s -> print(out, "sink", s.name(), ToolkitOptions.forSink(s)));
        out.flush();
        return 0;
    }

    private static void print(PrintWriter out, String kind, String name, OptionsDefinition def) {
        out.printf("%s %s%n", kind, name);
        for (OptionDef<?> o : def.options()) {
            out.printf("  %-26s %s%s%s%n", o.name(),
                    o.required() ? "(required) " : "",
                    o.defaultValue().map(v -> "(default " + (v instanceof Duration d ? d.toMillis() + "ms" : v) + ") ")
                            .orElse(""),
                    o.doc());
        }
    }
}
