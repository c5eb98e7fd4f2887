package io.otppipeline.runtime.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Flat service configuration: {@code key=value} pairs from a properties file, each overridable by an
 * environment variable {@code OTP_<KEY>} (upper case, dots and dashes as underscores, e.g.
 * {@code kafka.bootstrap.servers} ← {@code OTP_KAFKA_BOOTSTRAP_SERVERS}).
 *
 * <p>Settings never hold secrets: a secret setting holds the <em>path</em> of a secret file.
 */
public final class Settings {

    private final Map<String, String> values;

    private Settings(final Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    /** Settings from a map (tests and the local launcher). */
    public static Settings of(final Map<String, String> values) {
        return new Settings(values);
    }

    /**
     * Settings from a properties file (optional) with environment overrides.
     *
     * @param file properties file, or {@code null} to read the environment only
     * @param environment variables; those named {@code OTP_*} override the file
     * @throws IllegalStateException if the file cannot be read
     */
    public static Settings load(final Path file, final Map<String, String> environment) {
        final Properties props = new Properties();
        if (file != null) {
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                props.load(reader);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read settings file " + file, e);
            }
        }
        final Map<String, String> values = new HashMap<>();
        props.stringPropertyNames().forEach(k -> values.put(k, props.getProperty(k)));
        values.putAll(fromEnvironment(environment));
        return new Settings(values);
    }

    /**
     * The settings that environment variables name: {@code OTP_API_PORT=8081} is {@code api.port=8081} (the
     * {@code OTP_} prefix dropped, lower case, underscores as dots); variables without the prefix are ignored.
     *
     * @param environment variables by name
     * @return setting keys to values
     */
    public static Map<String, String> fromEnvironment(final Map<String, String> environment) {
        final Map<String, String> values = new HashMap<>();
        environment.forEach((name, value) -> {
            if (name.startsWith("OTP_")) {
                values.put(name.substring(4).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        return values;
    }

    /**
     * A required string.
     *
     * @throws IllegalStateException naming the missing key
     */
    public String required(final String key) {
        final String value = values.get(key);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("missing setting " + key);
        }
        return value.strip();
    }

    /** A string, or {@code defaultValue} when unset. */
    public String string(final String key, final String defaultValue) {
        final String value = values.get(key);
        return value == null || value.isBlank() ? defaultValue : value.strip();
    }

    /**
     * An integer, or {@code defaultValue} when unset.
     *
     * @throws IllegalStateException if set but not an integer
     */
    public long number(final String key, final long defaultValue) {
        final String value = string(key, null);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("setting " + key + " is not an integer: " + value, e);
        }
    }

    /**
     * A boolean ({@code true} or {@code false}, any case), or {@code defaultValue} when unset.
     *
     * @throws IllegalStateException if set to anything else
     */
    public boolean flag(final String key, final boolean defaultValue) {
        final String value = string(key, null);
        if (value == null) {
            return defaultValue;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalStateException("setting " + key + " is not true or false: " + value);
        };
    }

    /** The keys that start with {@code prefix}, sorted. */
    public SortedSet<String> keysStartingWith(final String prefix) {
        return values.keySet().stream().filter(k -> k.startsWith(prefix))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * Every setting under {@code prefix}, with the prefix removed: how a service passes client settings through
     * (for example {@code audit.consumer.session.timeout.ms} becomes {@code session.timeout.ms}).
     *
     * @return a sorted, unmodifiable map; empty when there are none
     */
    public SortedMap<String, String> passThrough(final String prefix) {
        final SortedMap<String, String> m = new TreeMap<>();
        keysStartingWith(prefix).forEach(k -> m.put(k.substring(prefix.length()), values.get(k)));
        return Collections.unmodifiableSortedMap(m);
    }

    /**
     * A required file path.
     *
     * @throws IllegalStateException naming the missing key
     */
    public Path path(final String key) {
        return Path.of(required(key));
    }

    /** An optional file path, or {@code null} when unset. */
    public Path optionalPath(final String key) {
        final String value = string(key, null);
        return value == null ? null : Path.of(value);
    }
}
