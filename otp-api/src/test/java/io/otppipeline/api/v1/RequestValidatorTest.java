package io.otppipeline.api.v1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.otppipeline.api.http.Problem;
import io.otppipeline.api.http.ProblemException;
import io.otppipeline.schemas.command.ClientInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestValidatorTest {

    @Test
    void shouldAcceptWhenEmailRequestIsComplete() {
        assertThatCode(() -> RequestValidator.checked(new CreateOtpRequest("alice", "email", "alice@example.com",
                "login", "pt-BR", new ClientInfo("2001:db8::1", "agent")))).doesNotThrowAnyException();
    }

    @Test
    void shouldNameDestinationWithoutEchoingItWhenSmsNumberIsNotE164() {
        final Problem problem = problemOf(new CreateOtpRequest("alice", "sms", "0044 20 7946 0000", "login", null,
                null));

        assertThat(problem.status()).isEqualTo(400);
        assertThat(problem.errors()).extracting(Problem.FieldError::field).containsExactly("destination");
        assertThat(problem.toString()).doesNotContain("7946");
    }

    @Test
    void shouldRefuseWhenCodeIsRequestedForTheLockoutNoticePurpose() {
        final Problem problem = problemOf(new CreateOtpRequest("alice", "email", "alice@example.com",
                "lockout_notice", null, null));

        assertThat(problem.errors()).extracting(Problem.FieldError::field).containsExactly("purpose");
    }

    @Test
    void shouldListEveryInvalidFieldWhenSeveralAreWrong() {
        final Problem problem = problemOf(new CreateOtpRequest(null, "fax", null, "Log In", null,
                new ClientInfo("not an ip", "x".repeat(513))));

        assertThat(problem.errors()).extracting(Problem.FieldError::field)
                .containsExactlyInAnyOrder("userId", "channel", "purpose", "client.ip", "client.userAgent");
    }

    @Test
    void shouldRejectWhenEmailCarriesCommentQuotedLocalPartOrDisplayName() {
        // RFC 5322 lets all of these reach v@x.com, each counted apart if taken as typed (issue 32, e-mail bombing)
        for (String address : List.of("(1)v@x.com", "v(1)@x.com", "v@x.com(1)", "\"v\"@x.com", "\"v w\"@x.com",
                "Vic <v@x.com>", "Vic<v@x.com>", "<v@x.com>", "v@[192.0.2.1]", ".v@x.com", "v.@x.com", "v..w@x.com",
                "v\\w@x.com", "v,w@x.com")) {
            assertThat(problemOf(new CreateOtpRequest("u", "email", address, "login", null, null)).errors())
                    .as(address).extracting(Problem.FieldError::field).containsExactly("destination");
        }
    }

    @Test
    void shouldAcceptPlainAddressesWhenLocalPartIsADotAtom() {
        for (String address : List.of("v@x.com", "v.w+tag@x.com", "o'brien@x.ie", "a!#$%&*=?^_`{|}~-@x.com",
                "j\u00F6rg@b\u00FCcher.example")) {
            assertThatCode(() -> RequestValidator.checked(new CreateOtpRequest("u", "email", address, "login", null,
                    null))).as(address).doesNotThrowAnyException();
        }
    }

    @Test
    void shouldRejectWhenEmailIsLongerThan254Characters() {
        final String address = "a".repeat(64) + "@" + "b".repeat(186) + ".com";

        assertThat(address).hasSize(255);
        assertThat(problemOf(new CreateOtpRequest("u", "email", address, "login", null, null)).errors())
                .extracting(Problem.FieldError::field).containsExactly("destination");
    }

    @Test
    void shouldNotEchoCodeWhenCodeIsMalformed() {
        final Problem problem = problemOf(new VerifyOtpRequest("alice", "login", "12a456", null, null));

        assertThat(problem.errors()).extracting(Problem.FieldError::field).containsExactly("code");
        assertThat(problem.toString()).doesNotContain("12a456");
    }

    @Test
    void shouldRejectWhenOtpIdIsNotUuid() {
        assertThat(problemOf(new VerifyOtpRequest("alice", "login", "123456", "abc", null)).errors())
                .extracting(Problem.FieldError::field).containsExactly("otpId");
    }

    @Test
    void shouldWriteE164WhenSmsNumberIsSpelledWithSpacesAndDashes() {
        final CreateOtpRequest spelled = new CreateOtpRequest("alice", "sms", "+44 20-7946 (0958)", "login", null,
                null);

        assertThat(RequestValidator.checked(spelled).destination()).isEqualTo("+442079460958");
    }

    @Test
    void shouldRefuseWhenSmsNumberIsNotAValidNumberOfItsCountry() {
        // +44 20 is London: eight more digits, not three
        final Problem problem = problemOf(new CreateOtpRequest("alice", "sms", "+44207", "login", null, null));

        assertThat(problem.errors()).extracting(Problem.FieldError::field).containsExactly("destination");
        assertThat(problemOf(new CreateOtpRequest("alice", "sms", "+999 1234 5678", "login", null, null)).errors())
                .as("unassigned country calling code").extracting(Problem.FieldError::field)
                .containsExactly("destination");
    }

    @Test
    void shouldLowerCaseAndPunycodeDomainWhenEmailDomainIsInternational() {
        final CreateOtpRequest request = new CreateOtpRequest("alice", "email", "Alice@B\u00FCcher.Example",
                "login", null, null);

        assertThat(RequestValidator.checked(request).destination()).isEqualTo("Alice@xn--bcher-kva.example");
    }

    @Test
    void shouldRefuseLoneSurrogateAndControlCharactersWhenTextWouldReachTheAuditLog() {
        final Problem agent = problemOf(new CreateOtpRequest("alice", "email", "alice@example.com", "login", null,
                new ClientInfo("203.0.113.7", "agent \ud800")));
        final Problem nul = problemOf(new CreateOtpRequest("alice", "email", "alice@example.com", "login", null,
                new ClientInfo("203.0.113.7", "agent\u0000")));
        final Problem address = problemOf(new CreateOtpRequest("alice", "email", "\udc00bc@example.com", "login",
                null, null));

        assertThat(agent.errors()).extracting(Problem.FieldError::field).containsExactly("client.userAgent");
        assertThat(nul.errors()).extracting(Problem.FieldError::field).containsExactly("client.userAgent");
        assertThat(address.errors()).extracting(Problem.FieldError::field).containsExactly("destination");
    }

    @Test
    void shouldAcceptEmojiWhenItIsAWholeCharacter() {
        assertThat(RequestValidator.checked(new CreateOtpRequest("alice", "email", "\ud83d\ude00bc@example.com",
                "login", null, new ClientInfo(null, "agent \ud83d\ude00"))).destination())
                .isEqualTo("\ud83d\ude00bc@example.com");
    }

    @Test
    void shouldReduceCodeToAsciiDigitsWhenTypedWithSpacesDashesOrFullWidthDigits() {
        assertThat(RequestValidator.normalizeCode("123 456")).isEqualTo("123456");
        assertThat(RequestValidator.normalizeCode("123-456")).isEqualTo("123456");
        assertThat(RequestValidator.normalizeCode(" 12\u00a034\u2013 56\t")).isEqualTo("123456");
        assertThat(RequestValidator.normalizeCode("\uff11\uff12\uff13\u3000\uff14\uff15\uff16")).isEqualTo("123456");
        assertThat(RequestValidator.normalizeCode("\u0661\u0662\u0663\u0664\u0665\u0666")).isEqualTo("123456");
        assertThat(RequestValidator.normalizeCode("12a456")).as("letters are kept, so the check refuses them")
                .isEqualTo("12a456");
    }

    private static Problem problemOf(final CreateOtpRequest request) {
        return catchThrowableOfType(ProblemException.class, () -> RequestValidator.checked(request)).problem();
    }

    private static Problem problemOf(final VerifyOtpRequest request) {
        return catchThrowableOfType(ProblemException.class, () -> RequestValidator.check(request)).problem();
    }

    @Test
    void shouldNameOtpIdAndUserIdWhenConsumeRequestIsInvalid() {
        assertThatThrownBy(() -> RequestValidator.check("not-a-uuid", new ConsumeOtpRequest("has space", null)))
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.problem().errors())
                        .extracting(Problem.FieldError::field).containsExactly("otpId", "userId"));
    }
}
