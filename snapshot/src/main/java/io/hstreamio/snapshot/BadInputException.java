package io.hstreamio.snapshot;

/**
 * The user's input or configuration is wrong (a URL, a table pattern, a server that cannot be reached or refuses the
 * login, a target that cannot be written): the message is one line that names the fix. Commands exit with code 2.
 */
public class BadInputException extends IllegalArgumentException {
    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
