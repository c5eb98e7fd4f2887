package io.otppipeline.processor.domain;

import io.otppipeline.schemas.crypto.Aead;
import io.otppipeline.schemas.crypto.Keyring;
import io.otppipeline.schemas.crypto.Mac;

/**
 * The keys a decision uses, each from its own keyring file (docs/ARCHITECTURE.md section 6).
 *
 * @param command opens the sealed fields of commands (command keyring, shared with otp-api)
 * @param delivery seals codes for the notifier (delivery keyring, shared with otp-notifier)
 * @param pepper HMAC of stored codes and keyed destination hashes (pepper keyring, processor only)
 * @param codeDerivation derives codes from a command's entropy (an HKDF subkey of the pepper keyring, label
 *     {@code otp-code-v1}): a code needs the command's sealed entropy <em>and</em> this processor-only key,
 *     so neither otp-api's command key nor any public topic is enough to compute one
 * @param factor seals authenticator secrets in the user state (factor keyring, processor only)
 */
public record DecisionKeys(Aead command, Aead delivery, Mac pepper, Mac codeDerivation, Aead factor) {

    /** Keys from the four keyrings. */
    public static DecisionKeys of(final Keyring command, final Keyring delivery, final Keyring pepper,
                                  final Keyring factor) {
        return new DecisionKeys(new Aead(command), new Aead(delivery), new Mac(pepper),
                new Mac(pepper.derive("otp-code-v1")), new Aead(factor));
    }
}
