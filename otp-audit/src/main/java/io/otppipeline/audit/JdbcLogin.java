package io.otppipeline.audit;

import io.otppipeline.schemas.crypto.Secrets;
import java.nio.file.Path;

/**
 * How to reach the audit database.
 *
 * @param url JDBC URL, for example {@code jdbc:postgresql://127.0.0.1:5432/otp}
 * @param user login user
 * @param passwordFile file holding the password (secrets only from files); {@code null} for none
 */
public record JdbcLogin(String url, String user, Path passwordFile) {

    /**
     * The password, or {@code null}.
     *
     * @throws IllegalStateException if the file cannot be read (the message names the file, never its content)
     */
    public String password() {
        return passwordFile == null ? null : Secrets.readText(passwordFile);
    }
}
