package io.levee.security;

import java.util.Optional;

/** Turns a bearer credential into an identity. */
interface Authenticator {

    /**
     * The identity the credential proves; empty when this authenticator does not know it.
     *
     * @throws InvalidCredentialsException when the credential is this authenticator's kind but not valid
     */
    Optional<Identity> authenticate(String credential);

    /** A credential that was recognised and refused; the message is safe to answer (it never repeats the credential). */
    final class InvalidCredentialsException extends io.levee.LeveeException {
        InvalidCredentialsException(String message) {
            super(message);
        }
    }
}
