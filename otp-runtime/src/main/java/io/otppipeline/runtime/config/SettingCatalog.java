package io.otppipeline.runtime.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every setting one service reads, and the key namespaces it owns: at start a key in one of its namespaces that no
 * definition matches is a typo or a leftover. Like Kafka's own clients, the service warns about it; in a
 * {@code strict} namespace (the processor's {@code otp.*}: the security rules) it refuses to start, because a
 * misspelled {@code otp.lockout.max.failure=3} would silently keep the default.
 *
 * @param service the service's name, for messages
 * @param namespaces key prefixes this service owns, for example {@code api.}
 * @param strict the prefixes among them where an unknown key stops the service
 * @param settings every definition, shared ones ({@code kafka.*}) included
 * @param passThrough prefixes whose keys go to a library as they are ({@code kafka.client.}, {@code audit.consumer.})
 */
public record SettingCatalog(String service, List<String> namespaces, List<String> strict,
                             List<Setting<?>> settings, List<String> passThrough) {

    private static final Logger LOG = LoggerFactory.getLogger(SettingCatalog.class);

    /** Defensive copies. */
    public SettingCatalog {
        namespaces = List.copyOf(namespaces);
        strict = List.copyOf(strict);
        settings = List.copyOf(settings);
        passThrough = List.copyOf(passThrough);
    }

    /** The keys of {@code s} in this service's namespaces that no definition or passthrough prefix covers, sorted. */
    public List<String> unknown(final Settings s) {
        final List<String> unknown = new ArrayList<>();
        for (String namespace : namespaces) {
            for (String key : s.keysStartingWith(namespace)) {
                if (!isKnown(key) && !unknown.contains(key)) {
                    unknown.add(key);
                }
            }
        }
        unknown.sort(Comparator.naturalOrder());
        return unknown;
    }

    /** Whether a definition or a passthrough prefix covers {@code key}. */
    public boolean isKnown(final String key) {
        return settings.stream().anyMatch(d -> d.matches(key)) || passThrough.stream().anyMatch(key::startsWith);
    }

    /**
     * Warns about every unknown key, naming the closest definition.
     *
     * @throws IllegalStateException if an unknown key is in a strict namespace
     */
    public void check(final Settings s) {
        final List<String> refused = new ArrayList<>();
        for (String key : unknown(s)) {
            final String hint = closest(key).map(d -> " (did you mean " + d.name() + "?)").orElse("");
            if (strict.stream().anyMatch(key::startsWith)) {
                refused.add(key + hint);
            } else {
                LOG.warn("{}: unknown setting {} is ignored{}", service, key, hint);
            }
        }
        if (!refused.isEmpty()) {
            throw new IllegalStateException(service + " refuses unknown settings where a typo would weaken a "
                    + "security rule: " + String.join(", ", refused));
        }
    }

    /** The definition whose name is closest to {@code key} (at most a third of its length away). */
    Optional<Setting<?>> closest(final String key) {
        return settings.stream()
                .min(Comparator.comparingInt(d -> distance(d.name(), key)))
                .filter(d -> distance(d.name(), key) <= Math.max(2, key.length() / 3));
    }

    /**
     * The Levenshtein distance between {@code a} and {@code b}: the fewest single-character insertions, deletions
     * and substitutions (UTF-16 code units) that turn one into the other. Wagner-Fischer with two rows.
     */
    static int distance(final String a, final String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                final int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            final int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
