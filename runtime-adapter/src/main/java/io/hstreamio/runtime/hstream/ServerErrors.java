package io.hstreamio.runtime.hstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * How HStreamDB reports errors, as this client reads them: a gRPC status whose description is the server's error
 * body, the JSON object {@code {"error":<code>,"message":"..."}}. The codes we act on are HStreamDB's (2xx streams,
 * 3xx subscriptions, 800 WrongServer); a description that is not such a body has no code.
 *
 * <p>Retriable, after a new lookup: WrongServer (800), and the transport statuses UNAVAILABLE and CANCELLED/ABORTED
 * raised by a node going away. Stateless and thread-safe.
 */
final class ServerErrors {
    static final int NONE = -1;
    static final int STREAM_NOT_FOUND = 200;
    static final int STREAM_EXISTS = 201;
    /** Not in the facts we have; the fake uses it for a shard id no stream has. */
    static final int SHARD_NOT_FOUND = 210;
    static final int SUBSCRIPTION_NOT_FOUND = 300;
    static final int SUBSCRIPTION_EXISTS = 301;
    /** Not in the facts we have; the fake uses it for a reader id that is unknown on the node asked. */
    static final int SHARD_READER_NOT_FOUND = 310;
    static final int WRONG_SERVER = 800;

    private static final ObjectMapper JSON = new ObjectMapper();

    private ServerErrors() {}

    static int code(StatusRuntimeException e) {
        JsonNode body = body(e);
        return body != null && body.path("error").isInt() ? body.get("error").asInt() : NONE;
    }

    /** The server's message when it sent an error body, else the status description or code. */
    static String message(StatusRuntimeException e) {
        JsonNode body = body(e);
        if (body != null && body.path("message").isTextual()) {
            return body.get("message").asText();
        }
        String d = e.getStatus().getDescription();
        return d == null ? e.getStatus().getCode().name() : e.getStatus().getCode() + ": " + d;
    }

    /** WrongServer or a node that went away: ask the lookup again and retry. */
    static boolean needsNewLookup(StatusRuntimeException e) {
        Status.Code c = e.getStatus().getCode();
        return code(e) == WRONG_SERVER || c == Status.Code.UNAVAILABLE || c == Status.Code.CANCELLED
                || c == Status.Code.ABORTED;
    }

    static boolean nodeUnavailable(StatusRuntimeException e) {
        return e.getStatus().getCode() == Status.Code.UNAVAILABLE;
    }

    private static JsonNode body(StatusRuntimeException e) {
        String d = e.getStatus().getDescription();
        if (d == null || !d.startsWith("{")) {
            return null;
        }
        try {
            return JSON.readTree(d);
        } catch (Exception notJson) {
            return null;
        }
    }
}
