package io.hstreamio.runtime.hstream;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * The server side of {@link ServerErrors}: a gRPC status whose description is HStreamDB's error body
 * {@code {"error":<code>,"message":"..."}}. Stateless.
 */
final class ApiErrors {
    private ApiErrors() {}

    static StatusRuntimeException error(Status.Code code, int hstreamCode, String message) {
        String body = "{\"error\":" + hstreamCode + ",\"message\":\"" + message.replace("\\", "\\\\")
                .replace("\"", "\\\"").replace("\n", " ") + "\"}";
        return Status.fromCode(code).withDescription(body).asRuntimeException();
    }
}
