package io.hstreamio.runtime.protocol;

/** The runtime on the other end of the channel did not answer in time, went away, or sent something unusable. */
public class ProtocolException extends RuntimeException {
    public ProtocolException(String message) {
        super(message);
    }

    public ProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
