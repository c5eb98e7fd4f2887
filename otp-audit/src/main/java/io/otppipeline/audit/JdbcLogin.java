package io.otppipeline.audit;

import io.otppipeline.schemas.crypto.Secrets;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * How to reach the audit database.
 *
 * @param url JDBC URL, for example {@code jdbc:postgresql://127.0.0.1:5432/otp}
 * @param user login user
 * @param passwordFile file holding the password (secrets only from files); {@code null} for none
 */
public record JdbcLogin(String url, String user, Path passwordFile) {

    /** A PostgreSQL JDBC URL parameter that carries a secret ({@code password=}, {@code sslpassword=}). */
    private static final Pattern SECRET_PARAMETER = Pattern.compile("(?i)[?&](ssl)?password=");

    /**
     * @throws IllegalArgumentException if {@code url} carries a password: secrets come only from files, and the tools
     *     print the URL they read from (the message does not repeat the URL)
     */
    public JdbcLogin {
        if (url != null && SECRET_PARAMETER.matcher(url).find()) {
            throw new IllegalArgumentException("the JDBC URL carries a password; secrets come only from files: put it "
                    + "in the password file (secrets.audit.jdbc.password.file, or --jdbc-password-file for ./otp)");
        }
    }

    /**
     * The password, or {@code null}.
     *
     * @throws IllegalStateException if the file cannot be read (the message names the file, never its content)
     */
    public String password() {
        return passwordFile == null ? null : Secrets.readText(passwordFile);
    }
}
