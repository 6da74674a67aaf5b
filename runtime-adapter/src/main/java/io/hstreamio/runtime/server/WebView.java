package io.hstreamio.runtime.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The one-page web view served at {@code GET /} ({@code web-view.html} beside this class): a static page whose script
 * reads {@code GET /connectors} every 3 s and renders it with {@code textContent}. The page itself holds no data, so
 * it is served without the token; its script sends the token the user types in to {@code /connectors}.
 *
 * <p>Its Content-Security-Policy allows only the page's own inline script and style (by SHA-256) and requests to this
 * server: no external asset can load, and injected markup could not run script even if rendering were wrong.
 */
final class WebView {
    static final String CONTENT_TYPE = "text/html; charset=utf-8";
    private static final String RESOURCE = "web-view.html";

    private final byte[] page;
    private final String contentSecurityPolicy;

    private WebView(byte[] page, String contentSecurityPolicy) {
        this.page = page;
        this.contentSecurityPolicy = contentSecurityPolicy;
    }

    static WebView load() {
        byte[] bytes;
        try (InputStream in = WebView.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path beside "
                        + WebView.class.getName() + "; rebuild runtime-adapter");
            }
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE + ": " + e.getMessage(), e);
        }
        String html = new String(bytes, StandardCharsets.UTF_8);
        String csp = "default-src 'none'; script-src " + hashOf(html, "script") + "; style-src "
                + hashOf(html, "style") + "; connect-src 'self'; base-uri 'none'; form-action 'none'; "
                + "frame-ancestors 'none'";
        return new WebView(bytes, csp);
    }

    byte[] page() {
        return page.clone();
    }

    String contentSecurityPolicy() {
        return contentSecurityPolicy;
    }

    /** The CSP source for the text of the page's one {@code <tag>} element: what a browser hashes. */
    private static String hashOf(String html, String tag) {
        String open = "<" + tag + ">";
        int start = html.indexOf(open);
        int end = html.indexOf("</" + tag + ">");
        if (start < 0 || end < start || html.indexOf(open, start + 1) >= 0) {
            throw new IllegalStateException(RESOURCE + " must hold exactly one <" + tag + "> element without "
                    + "attributes, which its Content-Security-Policy hash covers");
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(html.substring(start + open.length(), end).getBytes(StandardCharsets.UTF_8));
            return "'sha256-" + Base64.getEncoder().encodeToString(digest) + "'";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
