package io.hstreamio.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** How {@code --progress auto} finds out, cheaply, that stderr is no terminal. */
class LiveProgressTest {
    @Test
    void stderrRedirectedToAPipeIsToldWithoutJLine() throws Exception {
        Path fd = Path.of("/proc/self/fd/2");
        assumeTrue(Files.isSymbolicLink(fd), "Linux /proc only");
        // Surefire's forked JVM writes stderr into a pipe to Maven (or a file): either way, no device.
        assumeTrue(!Files.readSymbolicLink(fd).toString().startsWith("/dev/"), "stderr of this JVM is a device");
        assertThat(LiveProgress.StderrTerminal.redirected()).isTrue();
        assertThat(LiveProgress.StderrTerminal.detect()).isNull();
    }
}
