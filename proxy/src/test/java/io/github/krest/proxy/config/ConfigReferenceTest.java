package io.github.krest.proxy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

/**
 * The configuration table of {@code docs/configuration.md} is exactly {@link KrestConfig#DEFINITION}: every key, its
 * default and its doc line. Run with {@code -Dkrest.updateDocs=true} to rewrite the table after changing a key
 * ({@code -Dkrest.updateReadme=true}, its old name, works too).
 */
class ConfigReferenceTest {
    private static final String START = "<!-- config-table:start (generated from KrestConfig.DEFINITION) -->";
    private static final String END = "<!-- config-table:end -->";

    @Test
    void docsTableMatchesDefinition() throws IOException {
        Path doc = Path.of(System.getProperty("krest.repo.root", ".."), "docs", "configuration.md");
        String text = Files.readString(doc, StandardCharsets.UTF_8);
        int start = text.indexOf(START);
        int end = text.indexOf(END);
        assertTrue(start >= 0 && end > start, "docs/configuration.md needs the markers " + START + " and " + END);
        String expected = START + "\n" + table() + END;
        String actual = text.substring(start, end + END.length());
        if (!expected.equals(actual)
                && (Boolean.getBoolean("krest.updateDocs") || Boolean.getBoolean("krest.updateReadme"))) {
            Files.writeString(doc, text.substring(0, start) + expected + text.substring(end + END.length()),
                    StandardCharsets.UTF_8);
            return;
        }
        assertEquals(expected, actual, "docs/configuration.md configuration table is out of date: run the tests with "
                + "-Dkrest.updateDocs=true");
    }

    static String table() {
        StringBuilder sb = new StringBuilder("| Key | Default | Meaning |\n|---|---|---|\n");
        List<ConfigDef.ConfigKey> keys = KrestConfig.DEFINITION.configKeys().values().stream()
                .sorted((a, b) -> a.name.compareTo(b.name)).toList();
        for (ConfigDef.ConfigKey key : keys) {
            sb.append("| `").append(key.name).append("` | ").append(defaultText(key)).append(" | ")
                    .append(key.documentation.replace("|", "\\|")).append(" |\n");
        }
        return sb.toString();
    }

    private static String defaultText(ConfigDef.ConfigKey key) {
        Object value = key.defaultValue;
        if (value == null) {
            return "(none)";
        }
        if (value instanceof List<?> list) {
            value = String.join(",", list.stream().map(String::valueOf).toList());
        }
        String text = String.valueOf(value);
        return text.isEmpty() ? "(empty)" : "`" + text + "`";
    }
}
