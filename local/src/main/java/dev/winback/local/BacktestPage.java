package dev.winback.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code backtest.html}: one self-contained page (no network, so it opens from a mail attachment or a
 * CI artifact) with the comparison's tables and charts. The page embeds {@code backtest.json}'s
 * document as data and draws both the tables and the charts from it in the browser, so they cannot
 * disagree with each other or with the file.
 *
 * <p>The charts are Apache ECharts, inlined from its webjar: a maintained, dependency-free library
 * that draws to SVG (which a headless browser test can inspect), instead of home-made SVG code.
 */
final class BacktestPage {

    /** The ECharts build inside the {@code org.webjars.npm:echarts} jar. */
    static final String ECHARTS = "/META-INF/resources/webjars/echarts/5.3.1/dist/echarts.min.js";
    private static final String TEMPLATE = "/dev/winback/local/backtest.html";
    private static final String DATA_SLOT = "/*@BACKTEST_DATA@*/";
    private static final String LIBRARY_SLOT = "/*@ECHARTS@*/";

    /** JSON that is safe inside a script element: no {@code </script>}, no comment openers, no line separators. */
    private static final ObjectMapper SCRIPT_JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.core.JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    static {
        SCRIPT_JSON.getFactory().setCharacterEscapes(new ScriptSafeEscapes());
    }

    private BacktestPage() {
    }

    static void write(Path file, JsonNode backtest) throws IOException {
        Files.writeString(file, render(backtest), StandardCharsets.UTF_8);
    }

    static String render(JsonNode backtest) throws IOException {
        String template = resource(TEMPLATE);
        // A script element ends at the first "</script" whatever the JavaScript around it says.
        String library = resource(ECHARTS).replace("</script", "<\\/script");
        return fill(fill(template, LIBRARY_SLOT, library), DATA_SLOT, dataOf(backtest));
    }

    /** The document exactly as the page embeds it (the test reads it back). */
    static String dataOf(JsonNode backtest) throws JsonProcessingException {
        return SCRIPT_JSON.writeValueAsString(backtest);
    }

    private static String fill(String template, String slot, String content) {
        int at = template.indexOf(slot);
        if (at < 0) {
            throw new IllegalStateException("the report template has no " + slot);
        }
        return template.substring(0, at) + content + template.substring(at + slot.length());
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = BacktestPage.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the classpath (a broken build?)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Escapes {@code < > &} and U+2028/2029 as {@code \\uXXXX}: still the same JSON, never markup. */
    private static final class ScriptSafeEscapes extends CharacterEscapes {
        private final int[] escapes;

        ScriptSafeEscapes() {
            escapes = standardAsciiEscapesForJSON();
            escapes['<'] = ESCAPE_STANDARD;
            escapes['>'] = ESCAPE_STANDARD;
            escapes['&'] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return escapes;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            if (ch == 0x2028 || ch == 0x2029) {
                return new com.fasterxml.jackson.core.io.SerializedString(String.format("\\u%04x", ch));
            }
            return null;
        }
    }
}
