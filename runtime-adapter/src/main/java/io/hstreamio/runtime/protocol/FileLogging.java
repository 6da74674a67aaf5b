package io.hstreamio.runtime.protocol;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends every log line of a connector image to a file, because stdout is the protocol channel: {@code /data/app.log}
 * when {@code /data} is a writable directory (the stock runtime mounts the task's directory there), else
 * {@code app.log} beside the config file. Anything a library prints to {@code System.out} goes to that file too.
 */
public final class FileLogging {
    private FileLogging() {}

    /** The file logs go to for a config at {@code configFile}. */
    public static Path logFile(Path configFile) {
        Path data = Path.of("/data");
        if (Files.isDirectory(data) && Files.isWritable(data)) {
            return data.resolve("app.log");
        }
        Path dir = configFile.toAbsolutePath().getParent();
        return dir.resolve("app.log");
    }

    /**
     * Keeps stdout for answers: from now on {@code System.out} is stderr, so nothing a library prints (logback's own
     * status lines among them) lands among the JSON lines. Call before anything logs; returns the real stdout.
     */
    public static PrintStream reserveStdout() {
        PrintStream real = System.out;
        System.setOut(System.err);
        return real;
    }

    /** Reroutes logback, and {@code System.out}, to {@code file}. */
    public static void redirect(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
            ch.qos.logback.classic.Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
            root.detachAndStopAllAppenders();
            PatternLayoutEncoder encoder = new PatternLayoutEncoder();
            encoder.setContext(ctx);
            encoder.setPattern("%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{0} - %msg%n");
            encoder.start();
            FileAppender<ILoggingEvent> appender = new FileAppender<>();
            appender.setContext(ctx);
            appender.setName("APP_LOG");
            appender.setFile(file.toString());
            appender.setAppend(true);
            appender.setEncoder(encoder);
            appender.start();
            root.addAppender(appender);
            String level = System.getenv().getOrDefault("HSTREAM_IO_LOG_LEVEL", "INFO");
            ctx.getLogger("io.hstreamio").setLevel(Level.toLevel(level, Level.INFO));
        }
        System.setOut(new PrintStream(new FileOutputStream(file.toFile(), true), true, StandardCharsets.UTF_8));
    }
}
