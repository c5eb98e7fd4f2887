package io.otppipeline.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Code, configuration and documentation cite the repository's own documents as {@code docs/ARCHITECTURE.md section
 * 5b}, {@code docs/DESIGN-NOTES.md, "Lockout scope"} or {@code docs/ARCHITECTURE.md section 4, "State store
 * formats"}. Each cited document must exist, each section number must be a numbered heading of it ({@code ## 5.},
 * {@code ### 5b.}), and each quoted title a heading of it (the heading's text, or its start before punctuation) or a
 * bold paragraph lead-in ({@code **State store formats.**}). A section renamed or renumbered breaks its citations
 * here rather than in a reader's hands.
 */
class DocCitationsTest {

    private static final Path ROOT = RepositoryFiles.ROOT;
    private static final Pattern CITATION = Pattern.compile(
            "docs/((?:benchmarks/)?[A-Za-z0-9][A-Za-z0-9-]*\\.md)(?:,? section ([0-9]+[a-z]?))?(?:,? \"([^\"]+)\")?");
    private static final Set<String> SCANNED = Set.of(".java", ".md", ".yml", ".yaml", ".properties", ".sh");

    @Test
    void shouldFindEveryCitedDocumentSectionAndTitleWhenTheRepositoryIsScanned() throws IOException {
        final List<RepositoryFiles.Found> citations = RepositoryFiles.find(
                RepositoryFiles.matching(DocCitationsTest::isScanned), CITATION);
        final List<String> broken = new ArrayList<>();
        final Map<Path, List<String>> documents = new HashMap<>(); // each cited document read once
        for (RepositoryFiles.Found found : citations) {
            final MatchResult m = found.match();
            final Path doc = ROOT.resolve("docs").resolve(m.group(1));
            if (!Files.isRegularFile(doc)) {
                broken.add(found.where() + " (no such document)");
                continue;
            }
            final List<String> docLines = documents.computeIfAbsent(doc, DocCitationsTest::lines);
            if (m.group(2) != null && docLines.stream().noneMatch(l -> isNumberedHeading(l, m.group(2)))) {
                broken.add(found.where() + " (no section " + m.group(2) + ")");
            }
            if (m.group(3) != null && docLines.stream().noneMatch(l -> isTitled(l, m.group(3)))) {
                broken.add(found.where() + " (no heading or bold lead-in \"" + m.group(3) + "\")");
            }
        }
        assertThat(citations.size()).as("citations found (the scan reads the repository)").isGreaterThan(100);
        assertThat(broken).as("citations of the repository's documents that name nothing").isEmpty();
    }

    private static List<String> lines(final Path document) {
        try {
            return Files.readAllLines(document);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isNumberedHeading(final String line, final String section) {
        return line.matches("#+ " + Pattern.quote(section) + "\\.\\s.*");
    }

    private static boolean isTitled(final String line, final String title) {
        if (line.startsWith("**" + title)) {
            return true;
        }
        if (!line.startsWith("#")) {
            return false;
        }
        final String text = line.replaceFirst("^#+\\s+", "").replaceFirst("^[0-9]+[a-z]?\\.\\s+", "");
        return text.equals(title) || text.startsWith(title)
                && !Character.isLetterOrDigit(text.charAt(title.length()));
    }

    private static boolean isScanned(final Path file) {
        final String name = file.getFileName().toString();
        return name.equals("otp") || SCANNED.stream().anyMatch(name::endsWith);
    }
}
