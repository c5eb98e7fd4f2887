package io.otppipeline.processor.gate;

import io.otppipeline.schemas.command.Destinations;
import io.otppipeline.runtime.config.Setting;
import io.otppipeline.runtime.config.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Every tenant's {@link SendGateRules} and the safe list (docs/ARCHITECTURE.md section 5b).
 *
 * @param defaults rules of a tenant without overrides ({@link SendGateRules#SETTINGS})
 * @param tenants overrides by tenant id ({@link SendGateRules#forTenant})
 * @param safeList destinations the gate never limits or counts ({@link #SAFE_LIST_FILE}), normalised as otp-api
 *     normalises requests; held in memory only, never logged
 */
public record SendGatePolicy(SendGateRules defaults, SortedMap<String, SendGateRules> tenants, List<String> safeList) {

    /** Default rules for every tenant, nothing safe-listed. */
    public static final SendGatePolicy DEFAULTS = new SendGatePolicy(SendGateRules.DEFAULTS, new TreeMap<>(),
            List.of());

    public static final Setting<Path> SAFE_LIST_FILE = Setting.path("otp.gate.safe.list.file", "destinations the "
            + "gate never limits or counts: one e-mail address or international phone number per line, # starts a "
            + "comment (for example a tenant's test devices or its monitoring)");

    private static final String TENANT_PREFIX = "otp.gate.tenant.";

    /** Sorted, unmodifiable copies. */
    public SendGatePolicy {
        tenants = Collections.unmodifiableSortedMap(new TreeMap<>(tenants));
        safeList = List.copyOf(safeList);
    }

    /**
     * Reads {@code otp.gate.*}, {@code otp.gate.tenant.<tenantId>.*} and the safe-list file.
     *
     * @throws IllegalStateException if a value is not a number or the safe-list file holds a line that is neither
     *     a valid phone number nor an e-mail address (naming the line number, not its content)
     * @throws IllegalArgumentException if a value is out of range
     * @throws UncheckedIOException if the safe-list file cannot be read
     */
    public static SendGatePolicy from(final Settings s) {
        final SendGateRules defaults = SendGateRules.from(s, null, SendGateRules.DEFAULTS);
        final SortedMap<String, SendGateRules> tenants = new TreeMap<>();
        for (String key : s.keysStartingWith(TENANT_PREFIX)) {
            if (SendGateRules.SETTINGS.stream().anyMatch(d -> d.matches(key))) {
                continue; // otp.gate.tenant.max.per.hour and .day: budgets of every tenant, not a tenant named max
            }
            final String rest = key.substring(TENANT_PREFIX.length());
            final int dot = rest.indexOf('.');
            final String tenant = dot < 0 ? rest : rest.substring(0, dot);
            tenants.computeIfAbsent(tenant, t -> SendGateRules.from(s, t, defaults));
        }
        final Path file = SAFE_LIST_FILE.read(s);
        return new SendGatePolicy(defaults, tenants, file == null ? List.of() : readSafeList(file));
    }

    /** The rules of {@code tenantId}. */
    public SendGateRules forTenant(final String tenantId) {
        return tenants.getOrDefault(tenantId, defaults);
    }

    /** The same policy with {@code tenantId}'s rules replaced. */
    public SendGatePolicy withTenant(final String tenantId, final SendGateRules rules) {
        final SortedMap<String, SendGateRules> next = new TreeMap<>(tenants);
        next.put(tenantId, rules);
        return new SendGatePolicy(defaults, next, safeList);
    }

    /** The same policy with {@code destinations} safe-listed (normalised as in the file). */
    public SendGatePolicy withSafeList(final List<String> destinations) {
        return new SendGatePolicy(defaults, tenants, destinations.stream().map(SendGatePolicy::normalize).toList());
    }

    private static List<String> readSafeList(final Path file) {
        final List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read otp.gate.safe.list.file", e);
        }
        final List<String> destinations = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            final int hash = lines.get(i).indexOf('#');
            final String line = (hash < 0 ? lines.get(i) : lines.get(i).substring(0, hash)).strip();
            if (!line.isEmpty()) {
                try {
                    destinations.add(normalize(line));
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException("otp.gate.safe.list.file line " + (i + 1)
                            + " is neither a valid phone number nor an e-mail address", e);
                }
            }
        }
        return destinations;
    }

    private static String normalize(final String destination) {
        return (destination.startsWith("+") ? Destinations.normalizePhone(destination)
                : Destinations.normalizeEmail(destination))
                .orElseThrow(() -> new IllegalArgumentException("not a destination"));
    }
}
