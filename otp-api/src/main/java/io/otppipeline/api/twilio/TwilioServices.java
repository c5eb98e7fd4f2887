package io.otppipeline.api.twilio;

import io.otppipeline.runtime.config.Setting;
import io.otppipeline.runtime.config.Settings;
import io.otppipeline.schemas.crypto.Keyring;
import io.otppipeline.schemas.crypto.Mac;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The Twilio Verify v2 facade's configuration and identifiers (docs/TWILIO.md, "Coming from Twilio Verify"): which Service SID means which
 * tenant and purpose, the Account SID callers send as their HTTP Basic user, how a {@code To} becomes a user id and
 * how a Verification SID names a user's code.
 *
 * <ul>
 *   <li>User id of a {@code To}: {@code tw_} followed by 32 hex digits, the first 16 bytes of HMAC-SHA-256 (under
 *       the active key of {@code secrets.twilio.subject.keyring.file}) over tenant, 0x00 and the normalised
 *       {@code To} (E.164 for a phone number, lower-case domain for an e-mail address). A keyed hash, because a
 *       phone number is a destination and destinations never appear in events or the audit log; keyed, because
 *       an unkeyed hash of a phone number is reversed by trying every number. This key is not rotated like the
 *       others: a new key gives every {@code To} a new user id, so limits and lockouts would start afresh.</li>
 *   <li>Verification SID: {@code VE}, the otpId's 32 hex digits, then the user id's 32 hex digits (66 characters;
 *       Twilio's are 34). Every call that names only the SID ({@code GET} and cancel by SID, a check by
 *       {@code VerificationSid}) finds the user from it, with no lookup table. It reveals no destination; a caller
 *       who edits it names another code of its own tenant, which it could name by {@code To} anyway.</li>
 * </ul>
 *
 * @param accountSid {@code api.twilio.account.sid}: the HTTP Basic user callers send (Twilio's Account SID,
 *     {@code AC} and 32 hex digits); the password is an API key of the Service's tenant
 * @param services {@code api.twilio.service.<ServiceSid>.tenant} and {@code .purpose}: each Service SID
 *     ({@code VA} and 32 hex digits) to its tenant and purpose; empty turns the facade off
 * @param subjectKey the keyring of {@code secrets.twilio.subject.keyring.file}, or {@code null} when the facade is off
 */
public record TwilioServices(String accountSid, Map<String, Service> services, Keyring subjectKey) {

    /** The facade turned off. */
    public static final TwilioServices NONE = new TwilioServices(null, Map.of(), null);

    static final Pattern ACCOUNT_SID_PATTERN = Pattern.compile("^AC[0-9a-f]{32}$");

    public static final Setting<String> ACCOUNT_SID = Setting.string("api.twilio.account.sid", null, "the Account "
            + "SID (AC + 32 hex) clients of the Twilio Verify facade authenticate with, next to an API key of the "
            + "Service's tenant; required once a Service is configured")
            .check(v -> ACCOUNT_SID_PATTERN.matcher(v).matches(), "AC followed by 32 lower-case hex digits");
    public static final Setting<String> SERVICE_TENANT = Setting.string("api.twilio.service.<serviceSid>.tenant",
            null, "the tenant a Verify Service SID (VA + 32 hex) maps to; each Service needs it").required();
    public static final Setting<String> SERVICE_PURPOSE = Setting.string("api.twilio.service.<serviceSid>.purpose",
            null, "the purpose of that Service's codes").required();
    public static final Setting<Path> SUBJECT_KEYRING_FILE = Setting.path("secrets.twilio.subject.keyring.file",
            "HMAC key turning a Verify To into the user id tw_<32 hex>; never rotate it (docs/RUNBOOKS.md)")
            .required();
    private static final Pattern SERVICE_SID = Pattern.compile("^VA[0-9a-f]{32}$");
    private static final Pattern VERIFICATION_SID = Pattern.compile("^VE[0-9a-f]{64}$");
    private static final String PREFIX = "api.twilio.service.";

    /**
     * One Twilio Verify Service.
     *
     * @param tenant the tenant whose users it verifies
     * @param purpose the purpose of its codes (its lifetime, length and attempts come from that purpose's rules)
     */
    public record Service(String tenant, String purpose) {
    }

    /** Defensive copy. */
    public TwilioServices {
        services = Map.copyOf(services);
    }

    /**
     * Reads the settings listed above.
     *
     * @throws IllegalStateException naming a malformed SID, a Service without tenant or purpose, or Services
     *     configured without {@code api.twilio.account.sid} or {@code secrets.twilio.subject.keyring.file}
     */
    public static TwilioServices from(final Settings s) {
        final Map<String, Service> services = new TreeMap<>();
        for (String key : s.keysStartingWith(PREFIX)) {
            final String rest = key.substring(PREFIX.length());
            final int dot = rest.indexOf('.');
            final String sid = dot < 0 ? rest : rest.substring(0, dot);
            if (!SERVICE_SID.matcher(sid).matches()) {
                throw new IllegalStateException(key + ": a Service SID is VA followed by 32 lower-case hex digits");
            }
            services.put(sid, new Service(SERVICE_TENANT.read(s, sid, null), SERVICE_PURPOSE.read(s, sid, null)));
        }
        if (services.isEmpty()) {
            return NONE;
        }
        final String account = ACCOUNT_SID.required().read(s);
        return new TwilioServices(account, services, Keyring.load(SUBJECT_KEYRING_FILE.read(s)));
    }

    /** The Service of {@code sid}, if configured. */
    Optional<Service> service(final String sid) {
        return Optional.ofNullable(services.get(sid));
    }

    /** The user id of a normalised {@code To} of {@code tenant} (see above). */
    public String userId(final String tenant, final String normalizedTo) {
        final Mac mac = new Mac(subjectKey);
        final byte[] tag = mac.tag(mac.activeKid(), tenant, normalizedTo);
        return "tw_" + HexFormat.of().formatHex(tag, 0, 16);
    }

    /** The Verification SID of the code {@code otpId} (a UUID) issued to {@code userId} (from {@link #userId}). */
    public static String verificationSid(final String otpId, final String userId) {
        return "VE" + otpId.replace("-", "") + userId.substring(3);
    }

    /**
     * The otpId and user id a Verification SID names.
     *
     * @return empty when {@code sid} is not one of this facade's Verification SIDs
     */
    public static Optional<CodeRef> parse(final String sid) {
        if (sid == null || !VERIFICATION_SID.matcher(sid).matches()) {
            return Optional.empty();
        }
        final String otp = sid.substring(2, 34);
        return Optional.of(new CodeRef(otp.substring(0, 8) + "-" + otp.substring(8, 12) + "-" + otp.substring(12, 16)
                + "-" + otp.substring(16, 20) + "-" + otp.substring(20), "tw_" + sid.substring(34)));
    }

    /**
     * A code named by a Verification SID.
     *
     * @param otpId the code (a lower-case UUID)
     * @param userId its user
     */
    public record CodeRef(String otpId, String userId) {
    }

    @Override
    public String toString() {
        return "TwilioServices[accountSid=" + accountSid + ", services=" + services.keySet() + "]";
    }
}
