package io.otppipeline.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.otppipeline.api.ApiConfig;
import io.otppipeline.audit.AuditConfig;
import io.otppipeline.notifier.NotifierConfig;
import io.otppipeline.processor.ProcessorConfig;
import io.otppipeline.runtime.config.Setting;
import io.otppipeline.runtime.config.SettingCatalog;
import io.otppipeline.runtime.config.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The documents' settings tables (the rules and the guards in the README, the notifier's keys in docs/DELIVERY.md, the
 * services' keys and secret files in docs/CONFIGURATION.md) against the definitions in the code ({@link Setting},
 * collected by each service's {@link SettingCatalog}): every documented key exists, every defined key is documented,
 * and a default a document states as a plain number is the definition's. A relative key in a cell
 * ({@code `.window.calls`} after {@code `notifier.breaker.failure.rate.percent`}) is read against the cell's previous
 * full key.
 */
class SettingsDocumentationTest {

    private static final List<SettingCatalog> CATALOGS = List.of(ApiConfig.CATALOG, ProcessorConfig.CATALOG,
            NotifierConfig.CATALOG, AuditConfig.CATALOG);
    private static final Pattern KEY = Pattern.compile("`(\\.?[a-z][a-zA-Z0-9_<>.*-]*)`(?:\\s*\\(([^)]*)\\))?");
    private static final Pattern PLACEHOLDER = Pattern.compile("<[a-zA-Z]+>");
    /** The documents holding settings tables, relative to the repository's root. */
    private static final List<String> DOCUMENTS = List.of("README.md", "docs/CONFIGURATION.md", "docs/DELIVERY.md");

    /** A key as a document names it, with the default it states next to it (or {@code null}), and where. */
    private record Documented(String key, String statedDefault, String document, int line) {

        String where() {
            return document + " line " + line;
        }
    }

    @Test
    void shouldDefineEveryKeyWhenADocumentNamesIt() throws IOException {
        final List<String> unknown = new ArrayList<>();
        for (Documented d : documented()) {
            if (!d.key().endsWith(".*") && definition(d.key()).isEmpty() && !isPassThrough(d.key())) {
                unknown.add(d.where() + ": " + d.key());
            }
        }
        assertThat(unknown).as("keys the documents name that no service defines").isEmpty();
    }

    @Test
    void shouldDocumentEveryDefinedKeyWhenTheDocumentsAreRead() throws IOException {
        final List<Documented> documented = documented();
        final TreeSet<String> missing = new TreeSet<>();
        for (SettingCatalog catalog : CATALOGS) {
            for (Setting<?> setting : catalog.settings()) {
                final boolean named = documented.stream().anyMatch(d -> same(d.key(), setting.name())
                        || d.key().endsWith(".*") && wildcardCovers(d.key(), setting.name()));
                if (!named) {
                    missing.add(setting.name() + " (" + catalog.service() + ")");
                }
            }
        }
        assertThat(missing).as("keys defined in the code that no settings table of " + DOCUMENTS + " names")
                .isEmpty();
    }

    @Test
    void shouldStateTheDefinedDefaultWhenADocumentGivesANumber() throws IOException {
        final List<String> wrong = new ArrayList<>();
        for (Documented d : documented()) {
            if (d.statedDefault() == null || !d.statedDefault().matches("-?[0-9]+")) {
                continue;
            }
            definition(d.key()).ifPresent(setting -> {
                if (!setting.defaultText().equals(d.statedDefault())) {
                    wrong.add(d.where() + ": " + d.key() + " says " + d.statedDefault()
                            + ", the code " + setting.defaultText());
                }
            });
        }
        assertThat(wrong).as("defaults that drifted").isEmpty();
    }

    @Test
    void shouldRefuseAMisspelledRuleWhenTheProcessorStarts() {
        final Settings typo = Settings.of(Map.of("otp.lockout.max.failure", "3"));
        assertThat(ProcessorConfig.CATALOG.unknown(typo)).containsExactly("otp.lockout.max.failure");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ProcessorConfig.CATALOG.check(typo))
                .hasMessageContaining("otp.lockout.max.failure (did you mean otp.lockout.max.failures?)");
        assertThat(ApiConfig.CATALOG.unknown(Settings.of(Map.of("api.prot", "8080", "otp.send.limit", "2"))))
                .as("otp-api owns api.*, not the processor's otp.*").containsExactly("api.prot");
    }

    /** The keys of the settings tables of {@link #DOCUMENTS}, relative ones resolved, in document order. */
    private static List<Documented> documented() throws IOException {
        final List<Documented> out = new ArrayList<>();
        for (String document : DOCUMENTS) {
            documented(document, out);
        }
        return out;
    }

    /** The keys of one document's settings tables, added to {@code out}. */
    private static void documented(final String document, final List<Documented> out) throws IOException {
        final List<String> lines = Files.readAllLines(RepositoryFiles.ROOT.resolve(document));
        int column = -1;
        for (int i = 0; i < lines.size(); i++) {
            final String line = lines.get(i);
            if (!line.startsWith("|")) {
                column = -1;
                continue;
            }
            final String[] cells = line.split("\\|", -1);
            if (column < 0) { // a header row: which column holds the settings
                column = settingsColumn(cells);
                continue;
            }
            if (column == 0 || line.startsWith("|---")) {
                continue;
            }
            final Map<String, String> keys = keys(cells[column]);
            final String defaults = column == 1 && cells.length > 3 && "default".equals(header(lines, i, 2))
                    ? cells[2].strip() : column == 1 && cells.length > 4 && "default".equals(header(lines, i, 3))
                    ? cells[3].strip() : null;
            final List<String> stated = defaults == null ? List.of() : List.of(defaults.split(",\\s*"));
            int index = 0;
            for (Map.Entry<String, String> key : keys.entrySet()) {
                final String inline = key.getValue();
                final String fromColumn = stated.size() == keys.size() ? stated.get(index).replace("`", "").strip()
                        : null;
                out.add(new Documented(key.getKey(), inline != null ? inline.strip() : fromColumn, document, i + 1));
                index++;
            }
        }
    }

    /**
     * Column of a table's settings: 1 for {@code key} or {@code secret file setting}, 3 for {@code setting
     * (processor)}; 0 for other tables.
     */
    private static int settingsColumn(final String[] header) {
        for (int c = 1; c < header.length; c++) {
            final String h = header[c].strip();
            if (c == 1 && ("key".equals(h) || h.contains("setting")) || h.startsWith("setting")) {
                return c;
            }
        }
        return 0;
    }

    private static String header(final List<String> lines, final int row, final int column) {
        int h = row;
        while (h > 0 && lines.get(h - 1).startsWith("|")) {
            h--;
        }
        final String[] cells = lines.get(h).split("\\|", -1);
        return column < cells.length ? cells[column].strip() : "";
    }

    /** The backticked keys of a cell, relative ones resolved against the cell's previous full key. */
    private static Map<String, String> keys(final String cell) {
        final Map<String, String> keys = new LinkedHashMap<>();
        String last = null;
        final Matcher m = KEY.matcher(cell);
        while (m.find()) {
            String key = m.group(1);
            if (key.startsWith(".")) {
                if (last == null) {
                    continue;
                }
                key = resolve(last, key);
            } else if (!key.contains(".") || !isSettingNamespace(key)) {
                continue;
            } else {
                last = key;
            }
            keys.put(key, m.group(2));
        }
        return keys;
    }

    /** {@code prefix-of-last + relative}, for the longest prefix that gives a defined key (else the shortest). */
    private static String resolve(final String last, final String relative) {
        final String[] parts = last.split("\\.");
        for (int i = parts.length - 1; i >= 1; i--) {
            final String candidate = String.join(".", java.util.Arrays.copyOf(parts, i)) + relative;
            if (definition(candidate).isPresent()) {
                return candidate;
            }
        }
        return parts[0] + relative;
    }

    private static boolean isSettingNamespace(final String key) {
        return key.matches("(kafka|api|processor|otp|notifier|audit|smtp|sms|secrets)\\..*")
                && !key.matches("otp\\.[a-z_]+\\.v[0-9]+") // topic names
                && !key.matches("otp\\.(issued|superseded|expired|canceled|lockout\\.(started|ended|notice)|"
                + "prefix\\.blocked|delivery\\.[a-z]+|request\\.refused|verification\\.completed|user\\.unlocked)");
    }

    private static Optional<Setting<?>> definition(final String key) {
        return CATALOGS.stream().flatMap(c -> c.settings().stream())
                .filter(s -> same(key, s.name()) || s.isTemplate() && !key.contains("<") && s.matches(key))
                .findFirst();
    }

    private static boolean isPassThrough(final String key) {
        final String prefix = key.replaceAll("<[a-zA-Z]+>$", "");
        return CATALOGS.stream().anyMatch(c -> c.passThrough().contains(prefix));
    }

    /** Equal names, whatever each calls its placeholder ({@code <tenant>}, {@code <tenantId>}). */
    private static boolean same(final String a, final String b) {
        return PLACEHOLDER.matcher(a).replaceAll("<>").equals(PLACEHOLDER.matcher(b).replaceAll("<>"));
    }

    /** Whether {@code otp.purpose.<name>.*} covers {@code otp.purpose.<purpose>.send.limit}. */
    private static boolean wildcardCovers(final String wildcard, final String name) {
        final String prefix = PLACEHOLDER.matcher(wildcard.substring(0, wildcard.length() - 1)).replaceAll("<>");
        return prefix.contains("<>") && PLACEHOLDER.matcher(name).replaceAll("<>").startsWith(prefix);
    }
}
