package io.hstreamio.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TcpProxyTest {
    private ServerSocket echo;
    private Thread echoThread;
    private TcpProxy proxy;

    @BeforeEach
    void start() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        echoThread = new Thread(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    Thread t = new Thread(() -> {
                        try (s) {
                            s.getInputStream().transferTo(s.getOutputStream());
                        } catch (IOException ignored) {
                            // the proxy reset us
                        }
                    }, "echo-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "echo-accept");
        echoThread.setDaemon(true);
        echoThread.start();
        proxy = TcpProxy.to("127.0.0.1", echo.getLocalPort());
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        echo.close();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(proxy.host(), proxy.port());
        s.setSoTimeout(5_000); // a hang fails the test instead of blocking it
        return s;
    }

    private static String roundTrip(Socket s, String text) throws IOException {
        byte[] sent = text.getBytes(StandardCharsets.UTF_8);
        s.getOutputStream().write(sent);
        return new String(s.getInputStream().readNBytes(sent.length), StandardCharsets.UTF_8);
    }

    @Test
    void copiesBytesBothWays() throws Exception {
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "hello")).isEqualTo("hello");
            String big = "x".repeat(300_000);
            assertThat(roundTrip(s, big)).isEqualTo(big);
        }
    }

    @Test
    void downResetsOpenAndNewConnectionsUntilUp() throws Exception {
        Socket before = connect();
        assertThat(roundTrip(before, "a")).isEqualTo("a");

        assertThat(proxy.down()).isEqualTo(1);
        InputStream in = before.getInputStream();
        assertThatThrownBy(in::read).isInstanceOf(SocketException.class).hasMessageContaining("reset");
        before.close();

        try (Socket during = connect()) {
            // Connected to the proxy's listener, then reset at once: the first read fails or sees the end.
            assertThatThrownBy(() -> {
                during.getOutputStream().write('b');
                if (during.getInputStream().read() < 0) {
                    throw new SocketException("closed by peer");
                }
            }).isInstanceOf(SocketException.class);
        }
        assertThat(proxy.reset()).isGreaterThanOrEqualTo(2);

        proxy.up();
        try (Socket after = connect()) {
            assertThat(roundTrip(after, "c")).isEqualTo("c");
        }
    }
}
