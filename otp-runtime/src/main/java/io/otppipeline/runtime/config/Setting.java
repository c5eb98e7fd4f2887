package io.otppipeline.runtime.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One configuration key, defined once (name, default, unit, documentation, validator) in the class that reads it,
 * and reused by the launcher, the benchmark, the unknown-key check ({@link SettingCatalog}) and the test that keeps
 * the settings tables of README.md, docs/CONFIGURATION.md and docs/DELIVERY.md equal to the definitions.
 *
 * <p>A name may hold one placeholder segment in angle brackets, for settings that exist once per purpose, tenant or
 * Service: {@code otp.purpose.<purpose>.send.limit}; {@link #read(Settings, String, Object)} fills it in.
 *
 * @param <T> the value's type: {@link String}, {@link Long}, {@link Boolean} or {@link Path}
 */
public final class Setting<T> {

    /** How a value is parsed. */
    public enum Kind {
        /** Text, stripped. */
        STRING,
        /** A whole number ({@link Long}). */
        INTEGER,
        /** {@code true} or {@code false}. */
        FLAG,
        /** A file path; a secret setting holds the path of the secret's file, never the secret. */
        PATH
    }

    private static final Pattern PLACEHOLDER = Pattern.compile("<[a-zA-Z]+>");

    private final String name;
    private final Kind kind;
    private final T defaultValue;
    private final boolean required;
    private final String unit;
    private final String doc;
    private final Predicate<T> valid;
    private final String rule;
    private final Pattern matcher;

    private Setting(final String name, final Kind kind, final T defaultValue, final boolean required,
                    final String unit, final String doc, final Predicate<T> valid, final String rule) {
        this.name = Objects.requireNonNull(name);
        this.kind = kind;
        this.defaultValue = defaultValue;
        this.required = required;
        this.unit = unit;
        this.doc = doc;
        this.valid = valid;
        this.rule = rule;
        this.matcher = pattern(name);
    }

    /** The name as a regular expression: literal, with {@code [^.]+} for the placeholder segment. */
    private static Pattern pattern(final String name) {
        final StringBuilder re = new StringBuilder();
        final Matcher m = PLACEHOLDER.matcher(name);
        int last = 0;
        while (m.find()) {
            re.append(Pattern.quote(name.substring(last, m.start()))).append("[^.]+");
            last = m.end();
        }
        return Pattern.compile(re.append(Pattern.quote(name.substring(last))).toString());
    }

    /** A text setting with a default ({@code null}: absent unless set). */
    public static Setting<String> string(final String name, final String defaultValue, final String doc) {
        return new Setting<>(name, Kind.STRING, defaultValue, false, "", doc, v -> true, null);
    }

    /**
     * A whole-number setting.
     *
     * @param unit what one means, spelled out: {@code seconds}, {@code milliseconds}, {@code bytes}, {@code count}
     */
    public static Setting<Long> integer(final String name, final long defaultValue, final String unit,
                                        final String doc) {
        return new Setting<>(name, Kind.INTEGER, defaultValue, false, unit, doc, v -> true, null);
    }

    /**
     * The items of a comma-separated text setting's value ({@code "acme, globex,"}): stripped, blanks dropped, sorted
     * (a fixed order, so that nothing downstream depends on how the operator listed them).
     */
    public static SortedSet<String> items(final String commaSeparated) {
        final SortedSet<String> items = new TreeSet<>();
        for (String item : commaSeparated.split(",")) {
            if (!item.isBlank()) {
                items.add(item.strip());
            }
        }
        return items;
    }

    /** A {@code true}/{@code false} setting. */
    public static Setting<Boolean> flag(final String name, final boolean defaultValue, final String doc) {
        return new Setting<>(name, Kind.FLAG, defaultValue, false, "", doc, v -> true, null);
    }

    /** An optional file path ({@code null} when unset). */
    public static Setting<Path> path(final String name, final String doc) {
        return new Setting<>(name, Kind.PATH, null, false, "", doc, v -> true, null);
    }

    /**
     * The same definition under another name, for a setting that exists both globally and per purpose or tenant
     * ({@code otp.send.limit} and {@code otp.purpose.<purpose>.send.limit}).
     */
    public Setting<T> renamed(final String newName) {
        return new Setting<>(newName, kind, defaultValue, required, unit, doc, valid, rule);
    }

    /** A whole-number rule: between {@code min} and {@code max}, both included. */
    public static Predicate<Long> between(final long min, final long max) {
        return v -> v >= min && v <= max;
    }

    /** This setting, required: reading it unset throws. */
    public Setting<T> required() {
        return new Setting<>(name, kind, null, true, unit, doc, valid, rule);
    }

    /**
     * This setting with a validator.
     *
     * @param ok whether a value is acceptable (defaults are not checked)
     * @param rule the rule in words, for the error: {@code at least 1}
     */
    public Setting<T> check(final Predicate<T> ok, final String rule) {
        return new Setting<>(name, kind, defaultValue, required, unit, doc, ok, rule);
    }

    /** A whole-number rule: at least {@code min}. */
    public static Predicate<Long> atLeast(final long min) {
        return v -> v >= min;
    }

    /**
     * The value of this (placeholder-free) setting, or its default.
     *
     * @throws IllegalStateException naming the key if it is required and unset, malformed or breaks the rule
     */
    public T read(final Settings s) {
        if (isTemplate()) {
            throw new IllegalArgumentException(name + " needs a value for its placeholder");
        }
        return readKey(s, name, defaultValue);
    }

    /**
     * The value of this (placeholder-free) setting, or {@code fallback} when unset (a default that depends on other
     * settings).
     *
     * @throws IllegalStateException naming the key if it is malformed or breaks the rule
     */
    public T readOr(final Settings s, final T fallback) {
        return readKey(s, name, fallback);
    }

    /**
     * The value of this setting for one purpose, tenant or Service, or {@code fallback} when unset.
     *
     * @param placeholder what replaces the placeholder segment (for example {@code password_reset})
     * @throws IllegalStateException naming the key if it is malformed or breaks the rule
     */
    public T read(final Settings s, final String placeholder, final T fallback) {
        return readKey(s, key(placeholder), fallback);
    }

    @SuppressWarnings("unchecked")
    private T readKey(final Settings s, final String key, final T fallback) {
        final T value = switch (kind) {
            case STRING -> (T) s.string(key, (String) fallback);
            case INTEGER -> (T) (Long) s.number(key, fallback == null ? 0L : (Long) fallback);
            case FLAG -> (T) (Boolean) s.flag(key, fallback != null && (Boolean) fallback);
            case PATH -> (T) s.optionalPath(key);
        };
        final boolean set = s.string(key, null) != null;
        if (required && !set) {
            throw new IllegalStateException("missing setting " + key);
        }
        if (set && !valid.test(value)) {
            throw new IllegalStateException("setting " + key + " must be " + rule + ": " + s.string(key, null));
        }
        return value;
    }

    /** The concrete key for one purpose, tenant or Service. */
    public String key(final String placeholder) {
        return PLACEHOLDER.matcher(name).replaceFirst(Matcher.quoteReplacement(placeholder));
    }

    /** Whether {@code key} is this setting (for a template: for any placeholder value without a dot). */
    public boolean matches(final String key) {
        return matcher.matcher(key).matches();
    }

    /** Whether the name holds a placeholder segment. */
    public boolean isTemplate() {
        return PLACEHOLDER.matcher(name).find();
    }

    /** The key, placeholder included. */
    public String name() {
        return name;
    }

    public Kind kind() {
        return kind;
    }

    /** The default in words: the value, {@code required} or {@code none}. */
    public String defaultText() {
        return required ? "required" : defaultValue == null ? "none" : defaultValue.toString();
    }

    /** The unit of a whole number, spelled out; empty for other kinds. */
    public String unit() {
        return unit;
    }

    /** What it does, and where its default comes from. */
    public String doc() {
        return doc;
    }

    @Override
    public String toString() {
        return name;
    }
}
