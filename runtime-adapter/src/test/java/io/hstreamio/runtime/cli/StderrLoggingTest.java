package io.hstreamio.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.ConsoleAppender;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The commands' logging, set up in code instead of a parsed logback.xml. */
class StderrLoggingTest {
    @Test
    void logbackFindsItAsAService() {
        assertThat(ServiceLoader.load(Configurator.class).stream().map(ServiceLoader.Provider::type))
                .contains(StderrLogging.class);
    }

    @Test
    void warnAndAboveGoToStderrWithTheUsualPattern() {
        LoggerContext ctx = new LoggerContext();
        StderrLogging logging = new StderrLogging();
        logging.setContext(ctx);
        Configurator.ExecutionStatus status = logging.configure(ctx);
        if (status == Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY) {
            // A logback-test.xml on this test class path (a test-jar's) takes over, as it should; nothing set up.
            assertThat(ctx.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext()).isFalse();
            return;
        }
        Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.WARN);
        ConsoleAppender<?> stderr = (ConsoleAppender<?>) root.getAppender("STDERR");
        assertThat(stderr.getTarget()).isEqualTo("System.err");
        assertThat(stderr.isStarted()).isTrue();
        assertThat(((PatternLayoutEncoder) stderr.getEncoder()).getPattern()).isEqualTo(StderrLogging.PATTERN);
        assertThat(ctx.getLogger("io.hstreamio").getLevel()).isEqualTo(StderrLogging.level());
    }

    @Test
    void levelComesFromHstreamIoLogLevel() {
        String old = System.getProperty("HSTREAM_IO_LOG_LEVEL");
        try {
            System.setProperty("HSTREAM_IO_LOG_LEVEL", "info");
            assertThat(StderrLogging.level()).isEqualTo(Level.INFO);
        } finally {
            if (old == null) {
                System.clearProperty("HSTREAM_IO_LOG_LEVEL");
            } else {
                System.setProperty("HSTREAM_IO_LOG_LEVEL", old);
            }
        }
    }
}
