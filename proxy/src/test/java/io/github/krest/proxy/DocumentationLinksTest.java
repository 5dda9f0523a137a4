package io.github.krest.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository's Markdown stands alone: every relative link in a {@code .md} file (README.md, CHANGELOG.md,
 * {@code docs/}, {@code perf/}, ...) points at a file or folder inside the repository that exists, and every
 * {@code #anchor} at a heading of its Markdown target, with the anchor GitHub derives from the heading. Links with a
 * scheme ({@code https:}, {@code mailto:}) are not followed. Code blocks and code spans are not links.
 */
class DocumentationLinksTest {
    private static final Path ROOT = Path.of(System.getProperty("krest.repo.root", "..")).toAbsolutePath().normalize();
    /** README.md is the page a newcomer reads first; the rest belongs in docs/. */
    private static final int README_MAX_LINES = 200;

    private static final Pattern FENCE = Pattern.compile("^\\s*(```|~~~)");
    private static final Pattern CODE_SPAN = Pattern.compile("(`+)(.+?)\\1");
    private static final Pattern INLINE_LINK =
            Pattern.compile("\\[([^\\]]*)\\]\\(\\s*<?([^)\\s>]*)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    private static final Pattern REFERENCE_DEFINITION =
            Pattern.compile("^ {0,3}\\[[^\\]]+\\]:\\s*<?(\\S+?)>?(?:\\s.*)?$");
    private static final Pattern HEADING = Pattern.compile("^ {0,3}#{1,6}\\s+(.*?)(?:\\s+#+)?\\s*$");
    private static final Pattern HTML_ANCHOR = Pattern.compile("<a\\s+(?:id|name)=\"([^\"]+)\"");
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:|^//");

    @Test
    void everyRelativeLinkResolves() throws IOException {
        List<Path> files = markdownFiles(ROOT);
        List<String> names = files.stream().map(f -> ROOT.relativize(f).toString().replace('\\', '/')).toList();
        for (String expected : List.of("README.md", "CHANGELOG.md", "docs/api.md", "docs/architecture.md",
                "docs/configuration.md", "perf/README.md")) {
            assertTrue(names.contains(expected), "not found under " + ROOT + ": " + expected);
        }
        Check check = check(ROOT, files);
        assertTrue(check.links() > 100, "suspiciously few links checked: " + check.links());
        assertTrue(check.broken().isEmpty(), () -> "links that do not resolve inside the repository:\n"
                + String.join("\n", check.broken()));
    }

    @Test
    void readmeStaysShort() throws IOException {
        long lines;
        try (Stream<String> s = Files.lines(ROOT.resolve("README.md"), StandardCharsets.UTF_8)) {
            lines = s.count();
        }
        assertTrue(lines <= README_MAX_LINES, "README.md has " + lines + " lines; keep it at most "
                + README_MAX_LINES + " and put reference material in docs/");
    }

    @Test
    void reportsMissingFilesAnchorsAndLinksOutOfTheRepository(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("docs"));
        Files.writeString(dir.resolve("docs/b.md"), """
                # B: the `--isolate` flag
                ## Where krest differs from Confluent's proxy
                ## Twice
                ## Twice
                <a id="custom"></a>
                ```
                # not a heading
                ```
                """);
        Files.writeString(dir.resolve("README.md"), """
                [ok](docs/b.md) [ok](docs/b.md#b-the---isolate-flag) [ok](#a-title)
                [ok](docs/b.md#where-krest-differs-from-confluents-proxy) [ok](docs/b.md#twice-1) [ok](docs/)
                [ok](docs/b.md#custom) [external](https://example.com/x.md) `[code](missing.md)`
                [gone](docs/missing.md) [no anchor](docs/b.md#not-a-heading) [outside](../elsewhere.md)
                [no third](docs/b.md#twice-2)

                # A title
                ```
                [in a code block](missing.md)
                ```
                [ref]: docs/nowhere.md
                """);
        Check check = check(dir, markdownFiles(dir));
        assertEquals(List.of("README.md: docs/missing.md (no such file)",
                "README.md: docs/b.md#not-a-heading (no such heading)",
                "README.md: ../elsewhere.md (outside the repository)",
                "README.md: docs/b.md#twice-2 (no such heading)",
                "README.md: docs/nowhere.md (no such file)"), check.broken());
        assertEquals(12, check.links());
    }

    @Test
    void anchorsAreGitHubs() {
        assertEquals("where-krest-deliberately-differs-from-confluents-proxy",
                slug("Where krest deliberately differs from Confluent's proxy"));
        assertEquals("record-streams-server-sent-events", slug("Record streams (server-sent events)"));
        assertEquals("cpu-placement-shared-and---isolate", slug("CPU placement: shared and `--isolate`"));
        assertEquals("a-poll-on-any-replica-coreconsumerconsumerservice",
                slug("A poll, on any replica (`core.consumer.ConsumerService`)"));
        assertEquals("see-the-api", slug("See [the API](api.md)"));
    }

    /** What {@link #check} found: how many links it followed, and one line per link that does not resolve. */
    private record Check(int links, List<String> broken) {
    }

    private static List<Path> markdownFiles(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> p.getFileName().toString().endsWith(".md") && Files.isRegularFile(p))
                    .filter(p -> !skipped(root.relativize(p)))
                    .sorted()
                    .toList();
        }
    }

    /** Build output and hidden folders (.git, run directories) are not the repository's documentation. */
    private static boolean skipped(Path relative) {
        for (Path part : relative) {
            String name = part.toString();
            if (name.equals("target") || name.equals("node_modules") || name.startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static Check check(Path root, List<Path> files) {
        Map<Path, Set<String>> anchors = new HashMap<>();
        List<String> broken = new ArrayList<>();
        int links = 0;
        for (Path file : files) {
            for (String target : links(read(file))) {
                links++;
                String name = root.relativize(file).toString().replace('\\', '/');
                problem(root, file, target, anchors).ifPresent(p -> broken.add(name + ": " + target + " (" + p + ")"));
            }
        }
        return new Check(links, broken);
    }

    private static Optional<String> problem(Path root, Path file, String target, Map<Path, Set<String>> anchors) {
        int hash = target.indexOf('#');
        String pathPart = hash < 0 ? target : target.substring(0, hash);
        String fragment = hash < 0 ? "" : target.substring(hash + 1);
        Path resolved;
        if (pathPart.isEmpty()) {
            resolved = file;
        } else {
            String decoded = URLDecoder.decode(pathPart.replace("+", "%2B"), StandardCharsets.UTF_8);
            Path base = decoded.startsWith("/") ? root : file.getParent();
            resolved = base.resolve(decoded.startsWith("/") ? decoded.substring(1) : decoded).normalize();
        }
        if (!resolved.startsWith(root)) {
            return Optional.of("outside the repository");
        }
        if (!Files.exists(resolved)) {
            return Optional.of("no such file");
        }
        if (fragment.isEmpty()) {
            return Optional.empty();
        }
        if (!resolved.getFileName().toString().endsWith(".md") || !Files.isRegularFile(resolved)) {
            return Optional.of("an anchor into a file that is not Markdown");
        }
        Set<String> known = anchors.computeIfAbsent(resolved, p -> anchors(read(p)));
        return known.contains(URLDecoder.decode(fragment, StandardCharsets.UTF_8))
                ? Optional.empty() : Optional.of("no such heading");
    }

    /** The link targets of a Markdown text, in order, outside code blocks and code spans. */
    private static List<String> links(String text) {
        List<String> targets = new ArrayList<>();
        for (String line : linesOutsideCodeBlocks(text)) {
            String prose = CODE_SPAN.matcher(line).replaceAll("");
            Matcher m = INLINE_LINK.matcher(prose);
            while (m.find()) {
                if (!SCHEME.matcher(m.group(2)).find()) {
                    targets.add(m.group(2));
                }
            }
            Matcher def = REFERENCE_DEFINITION.matcher(prose);
            if (def.matches() && !SCHEME.matcher(def.group(1)).find()) {
                targets.add(def.group(1));
            }
        }
        return targets;
    }

    /** The anchors of a Markdown text: its headings' slugs (repeats numbered as GitHub does) and HTML anchors. */
    private static Set<String> anchors(String text) {
        Set<String> anchors = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String line : linesOutsideCodeBlocks(text)) {
            Matcher heading = HEADING.matcher(line);
            if (heading.matches()) {
                String slug = slug(heading.group(1));
                int n = seen.merge(slug, 1, Integer::sum) - 1;
                anchors.add(n == 0 ? slug : slug + "-" + n);
            }
            Matcher html = HTML_ANCHOR.matcher(line);
            while (html.find()) {
                anchors.add(html.group(1));
            }
        }
        return anchors;
    }

    /** The lines of a Markdown text outside fenced code blocks, which hold neither links nor headings. */
    private static List<String> linesOutsideCodeBlocks(String text) {
        List<String> lines = new ArrayList<>();
        boolean inFence = false;
        for (String line : text.split("\n", -1)) {
            if (FENCE.matcher(line).find()) {
                inFence = !inFence;
            } else if (!inFence) {
                lines.add(line);
            }
        }
        return lines;
    }

    /**
     * GitHub's anchor for a heading: its text as rendered (links by their text, no code marks), lower-case,
     * without punctuation other than {@code -} and {@code _}, each space a {@code -}.
     */
    private static String slug(String heading) {
        String rendered = INLINE_LINK.matcher(heading).replaceAll("$1").replace("`", "");
        StringBuilder sb = new StringBuilder();
        rendered.toLowerCase(Locale.ROOT).codePoints().forEach(c -> {
            if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
                sb.appendCodePoint(c);
            } else if (c == ' ') {
                sb.append('-');
            }
        });
        return sb.toString();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
