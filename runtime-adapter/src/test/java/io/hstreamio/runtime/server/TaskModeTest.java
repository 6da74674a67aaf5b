package io.hstreamio.runtime.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskModeTest {
    @TempDir
    Path dir;

    @Test
    void taskJvmsGetABoundedHeapAndExitOnOutOfMemoryUnlessToldOtherwise() throws Exception {
        List<String> byDefault = TaskMode.childProcesses("some.Main", dir.resolve("a.args")).connectorCommand()
                .orElseThrow();
        assertThat(byDefault.subList(2, byDefault.size()))
                .containsExactly("-Xmx512m", "-XX:+ExitOnOutOfMemoryError", "some.Main", "connector");
        assertThat(byDefault.get(1)).isEqualTo("@" + dir.resolve("a.args").toAbsolutePath());
        assertThat(Files.readString(dir.resolve("a.args"))).startsWith("-cp \"");

        List<String> told = TaskMode.childProcesses("some.Main", dir.resolve("b.args"), List.of("-Xmx64m"))
                .connectorCommand().orElseThrow();
        assertThat(told.subList(2, told.size())).containsExactly("-Xmx64m", "some.Main", "connector");
    }
}
