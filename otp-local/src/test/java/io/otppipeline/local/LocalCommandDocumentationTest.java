package io.otppipeline.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The table of {@code ./otp local}'s flags in docs/CONFIGURATION.md (the table headed
 * {@code | flag | default | meaning |}) against {@link LocalCommand}'s options as picocli defines them: every option is
 * in the table, every flag of the table is an option, and where an option has a default the table states that default.
 * {@code SettingsDocumentationTest} does the same for the services' settings; flags are not settings, so it cannot see
 * them.
 */
class LocalCommandDocumentationTest {

    private static final Pattern FLAG = Pattern.compile("`(--[a-z-]+)[^`]*`");
    /** The document holding the table, relative to the repository's root. */
    private static final String DOCUMENT = "docs/CONFIGURATION.md";

    @Test
    void shouldStateEveryOptionAndItsDefaultWhenTheFlagsTableIsRead() throws IOException {
        final CommandSpec spec = new CommandLine(new LocalCommand()).getCommandSpec();
        final Map<String, String> table = flagsTable();
        final List<String> wrong = new ArrayList<>();
        for (OptionSpec option : spec.options()) {
            if (option.usageHelp() || option.versionHelp()) {
                continue;
            }
            final String name = option.longestName();
            if (!table.containsKey(name)) {
                wrong.add(name + ": not in " + DOCUMENT + "'s table");
            } else if (option.defaultValue() != null && !option.defaultValue().equals(table.get(name))) {
                wrong.add(name + ": " + DOCUMENT + " says " + table.get(name) + ", the code " + option.defaultValue());
            }
        }
        table.keySet().stream().filter(flag -> spec.findOption(flag) == null)
                .forEach(flag -> wrong.add(flag + ": in " + DOCUMENT + "'s table, but ./otp local does not take it"));
        assertThat(table).as(DOCUMENT + "'s ./otp local flags table").isNotEmpty();
        assertThat(wrong).as(DOCUMENT + "'s ./otp local flags against LocalCommand").isEmpty();
    }

    /**
     * Flag to stated default (backticks removed). A row may name several flags, {@code `--a X` / `--b Y`}, with as many
     * defaults, {@code (embedded) / 2525}.
     */
    private static Map<String, String> flagsTable() throws IOException {
        final List<String> lines = Files.readAllLines(RepositoryFiles.ROOT.resolve(DOCUMENT));
        final Map<String, String> table = new LinkedHashMap<>();
        final int header = lines.indexOf("| flag | default | meaning |");
        assertThat(header).as(DOCUMENT + "'s ./otp local flags table header").isNotNegative();
        for (int i = header + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            final String[] cells = lines.get(i).split("\\|");
            final String[] flags = cells[1].split(" / ");
            final String[] defaults = cells[2].split(" / ");
            for (int f = 0; f < flags.length; f++) {
                final Matcher m = FLAG.matcher(flags[f]);
                assertThat(m.find()).as(DOCUMENT + " line " + (i + 1) + " names a flag").isTrue();
                table.put(m.group(1), (f < defaults.length ? defaults[f] : defaults[defaults.length - 1])
                        .strip().replace("`", ""));
            }
        }
        return table;
    }
}
