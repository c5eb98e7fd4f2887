package io.otppipeline.local;

import io.otppipeline.api.twilio.TwilioServices;
import io.otppipeline.api.http.ApiKeys;
import io.otppipeline.schemas.crypto.Keyring;
import io.otppipeline.schemas.crypto.Secrets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Development secrets in one directory, generated once and reused: the three keyrings, the hashed API keys
 * file with one key for tenant {@code demo}, and that key's plaintext in {@code api-key}, an admin key in {@code admin-api-key} (for the person
 * running the pipeline locally; production deployments keep only the hash).
 *
 * @param dir the secrets directory
 */
public record DevSecrets(Path dir) {

    /** Tenant of the generated API key. */
    public static final String DEMO_TENANT = "demo";

    /** Command keyring: otp-api seals, otp-processor opens. */
    public Path commandKeyring() {
        return dir.resolve("command.keyring.json");
    }

    /** Delivery keyring: otp-processor seals, otp-notifier opens. */
    public Path deliveryKeyring() {
        return dir.resolve("delivery.keyring.json");
    }

    /** Pepper keyring: otp-processor's HMAC key for stored codes. */
    public Path pepperKeyring() {
        return dir.resolve("pepper.keyring.json");
    }

    /** Factor keyring: otp-processor's AES-GCM key for authenticator secrets in the user state. */
    public Path factorKeyring() {
        return dir.resolve("factor.keyring.json");
    }

    /** Twilio facade's subject keyring: otp-api's HMAC key that turns a Twilio {@code To} into a user id. */
    public Path twilioSubjectKeyring() {
        return dir.resolve("twilio-subject.keyring.json");
    }

    /** The Twilio Account SID to send as the HTTP Basic user of the Twilio Verify facade (not a secret). */
    public Path twilioAccountSidFile() {
        return dir.resolve("twilio-account-sid");
    }

    /** The Twilio Verify Service SID of tenant {@code demo}, purpose {@code login} (not a secret). */
    public Path twilioServiceSidFile() {
        return dir.resolve("twilio-service-sid");
    }

    /** Bearer token between the notifier's webhook SMS provider and the local SMS sink. */
    public Path smsWebhookToken() {
        return dir.resolve("sms-webhook-token");
    }

    /** Hashed API keys. */
    public Path apiKeys() {
        return dir.resolve("api-keys.json");
    }

    /** Plaintext of the demo API key. */
    public Path apiKeyPlaintext() {
        return dir.resolve("api-key");
    }

    /**
     * Creates every missing file; existing files are kept, so a second start reuses them.
     *
     * @return this
     * @throws IOException if a file cannot be written
     */
    public DevSecrets ensure() throws IOException {
        Files.createDirectories(dir);
        final String kid = "dev-" + LocalDate.now(ZoneOffset.UTC);
        for (Path keyring : List.of(commandKeyring(), deliveryKeyring(), pepperKeyring(), factorKeyring(),
                twilioSubjectKeyring())) {
            if (!Files.exists(keyring)) {
                Keyring.generate(kid).write(keyring);
            }
        }
        if (!Files.exists(apiKeys()) || !Files.exists(apiKeyPlaintext()) || !Files.exists(adminKeyPlaintext())) {
            final ApiKeys.Issued issued = ApiKeys.issue("demo-1", DEMO_TENANT);
            final ApiKeys.Issued admin = ApiKeys.issue("demo-admin", DEMO_TENANT, ApiKeys.ADMIN);
            new ApiKeys(List.of(issued.entry(), admin.entry())).write(apiKeys());
            Secrets.writeOwnerOnly(apiKeyPlaintext(), (issued.plaintext() + "\n").getBytes(StandardCharsets.UTF_8));
            Secrets.writeOwnerOnly(adminKeyPlaintext(), (admin.plaintext() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        if (!Files.exists(smsWebhookToken())) {
            final byte[] token = new byte[32];
            new SecureRandom().nextBytes(token);
            Secrets.writeOwnerOnly(smsWebhookToken(), (HexFormat.of().formatHex(token) + "\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        if (!Files.exists(twilioAccountSidFile()) || !Files.exists(twilioServiceSidFile())) {
            final SecureRandom random = new SecureRandom();
            Files.writeString(twilioAccountSidFile(), "AC" + randomHex(random) + "\n");
            Files.writeString(twilioServiceSidFile(), "VA" + randomHex(random) + "\n");
        }
        return this;
    }

    private static String randomHex(final SecureRandom random) {
        final byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /**
     * The settings of the Twilio Verify facade for the demo tenant: the Account SID, one Service SID (purpose
     * {@code login}) and the subject keyring.
     */
    public Map<String, String> twilioSettings() {
        final String service = Secrets.readText(twilioServiceSidFile());
        return Map.of(TwilioServices.ACCOUNT_SID.name(), Secrets.readText(twilioAccountSidFile()),
                TwilioServices.SERVICE_TENANT.key(service), DEMO_TENANT,
                TwilioServices.SERVICE_PURPOSE.key(service), "login",
                TwilioServices.SUBJECT_KEYRING_FILE.name(), twilioSubjectKeyring().toString());
    }

    /** Plaintext of the demo tenant's admin API key (scope {@code admin}: may unlock users). */
    public Path adminKeyPlaintext() {
        return dir.resolve("admin-api-key");
    }

    /** The demo admin API key's plaintext. */
    public String adminKey() {
        return Secrets.readText(adminKeyPlaintext());
    }

    /** The demo API key's plaintext. */
    public String apiKey() {
        return Secrets.readText(apiKeyPlaintext());
    }
}
