package io.otppipeline.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's rule tables and the documents name the test that proves each claim ({@code PerUserRulesIT},
 * {@code PerUserRulesTopologyTest.ExpirySweep}, {@code IpGuardIT.shouldLetVictimSignIn…}). Every such name must be a
 * test class of the repository ({@code *Test} or {@code *IT} under a {@code src/test/java}), and a member after the
 * dot a method or nested class of it ({@code Class.java} is the file); a member ending in {@code …} is a prefix of one. A test renamed or removed
 * breaks the claim's citation here, not silently in the README.
 */
class DocTestNamesTest {

    private static final Path ROOT = RepositoryFiles.ROOT;
    /** {@code `Class`}, {@code `Class.member`} or {@code `Class.memberPrefix…rest`} inside backticks. */
    private static final Pattern CITED = Pattern.compile(
            "`([A-Z][A-Za-z0-9]*(?:Test|IT))(?:\\.([A-Za-z][A-Za-z0-9]*)(…)?[^`]*)?`");
    private static final Pattern MEMBER = Pattern.compile("(?:void|class)\\s+([A-Za-z][A-Za-z0-9]*)\\s*[({]");

    @Test
    void shouldFindEveryCitedTestWhenTheDocumentsAreRead() throws IOException {
        final Map<String, List<String>> tests = testClasses();
        final List<Path> documents = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> docs = Files.walk(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(documents::add);
        }
        final List<RepositoryFiles.Found> cited = RepositoryFiles.find(documents, CITED);
        final List<String> missing = new ArrayList<>();
        for (RepositoryFiles.Found found : cited) {
            final MatchResult m = found.match();
            final List<String> members = tests.get(m.group(1));
            if (members == null) {
                missing.add(found.where() + " (no such test class)");
            } else if (m.group(2) != null && !m.group().endsWith(".java`") && members.stream().noneMatch(
                    name -> m.group(3) == null ? name.equals(m.group(2)) : name.startsWith(m.group(2)))) {
                missing.add(found.where() + " (no such test or nested class in " + m.group(1) + ")");
            }
        }
        assertThat(cited.size()).as("test names cited (the scan reads the documents)").isGreaterThan(50);
        assertThat(missing).as("tests the documents cite that the repository does not have").isEmpty();
    }

    /** Simple name of each {@code *Test} / {@code *IT} source file under a {@code src/test/java}, to its members. */
    private static Map<String, List<String>> testClasses() throws IOException {
        final Map<String, List<String>> tests = new HashMap<>();
        for (Path file : RepositoryFiles.matching(f -> f.toString().contains("src/test/java")
                && f.getFileName().toString().matches(".*(Test|IT)\\.java"))) {
            final String name = file.getFileName().toString();
            final List<String> members = new ArrayList<>();
            final Matcher m = MEMBER.matcher(Files.readString(file));
            while (m.find()) {
                members.add(m.group(1));
            }
            tests.put(name.substring(0, name.length() - ".java".length()), members);
        }
        return tests;
    }
}
