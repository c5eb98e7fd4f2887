package io.otppipeline.audit;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Secrets come only from files: a JDBC URL that carries a password is refused, without repeating it. */
class JdbcLoginTest {

    @ParameterizedTest
    @ValueSource(strings = {"jdbc:postgresql://db:5432/otp?user=sink&password=s3cr3t-value",
        "jdbc:postgresql://db:5432/otp?PASSWORD=s3cr3t-value", "jdbc:postgresql://db/otp?ssl=true&sslpassword=s3cr3t-value"})
    void shouldRefuseUrlWithoutRepeatingItWhenItCarriesAPassword(final String url) {
        assertThatThrownBy(() -> new JdbcLogin(url, "sink", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("password file")
                .hasMessageNotContaining("s3cr3t-value");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdbc:postgresql://db:5432/otp", "jdbc:postgresql://db:5432/otp?user=sink&ssl=true",
        "jdbc:postgresql://password-vault.example:5432/otp"})
    void shouldAcceptUrlWhenItCarriesNoPassword(final String url) {
        assertThatCode(() -> new JdbcLogin(url, "sink", null)).doesNotThrowAnyException();
    }
}
