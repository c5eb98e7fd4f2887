package io.otppipeline.schemas.crypto;

/**
 * An AES-256-GCM ciphertext as it travels in JSON.
 *
 * @param kid id of the keyring key that sealed it
 * @param nonce the 12-byte GCM nonce, base64
 * @param ciphertext ciphertext followed by the 16-byte tag, base64
 */
public record SealedBox(String kid, String nonce, String ciphertext) {

    @Override
    public String toString() {
        return "SealedBox[kid=" + kid + "]";
    }
}
