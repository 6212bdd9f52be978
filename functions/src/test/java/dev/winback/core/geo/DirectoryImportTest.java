package dev.winback.core.geo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** D1 bulk import: both formats, every field rule, line and field in every problem, all or nothing. */
class DirectoryImportTest {

    private static final String CSV_HEADER = "userId,name,phone,wechatOpenId,lat,lon,businessNature,role,verified,"
            + "categories,materials,feature.monthlyTons,preference.contactTime,tradeFrequency,messageSensitivity,"
            + "lastDealAt,conversionRate\n";

    @Test
    void csvWithListsFeaturesAndPreferences() {
        DirectoryImport.Result result = DirectoryImport.csv(new StringReader(CSV_HEADER
                + "s1,张三,+8613800000001,oid-1,41.30,123.70,回收站,supplier,true,废钢;废铜,重废一;钢筋切粒,120.5,morning,6,0.8,2026-10-01T08:00:00+08:00,0.25\n"
                + "b1,\"Li, Ltd\",,,41.20,123.90,,buyer,false,废纸,,,,,,,\n"));

        assertTrue(result.accepted(), result.summary());
        assertEquals(2, result.entries().size());
        DirectoryEntry s1 = result.entries().get(0);
        assertEquals("s1", s1.userId());
        assertEquals(Role.SUPPLIER, s1.role());
        assertTrue(s1.verified());
        assertEquals(List.of("废钢", "废铜"), s1.categories());
        assertEquals(List.of("重废一", "钢筋切粒"), s1.materials());
        assertEquals(Map.of("monthlyTons", 120.5), s1.features());
        assertEquals(Map.of("contactTime", "morning"), s1.preferences());
        assertEquals(6, s1.tradeFrequency());
        assertEquals(0.8, s1.messageSensitivity());
        assertEquals(Instant.parse("2026-10-01T00:00:00Z"), s1.lastDealAt());
        assertEquals(0.25, s1.conversionRate());

        DirectoryEntry b1 = result.entries().get(1);
        assertEquals("Li, Ltd", b1.name());
        assertEquals(Role.BUYER, b1.role());
        assertFalse(b1.verified());
        assertEquals(null, b1.phone());
        assertEquals(List.of(), b1.materials());
        assertEquals(Map.of(), b1.features());
        assertEquals(DirectoryEntry.NEUTRAL_SENSITIVITY, b1.messageSensitivity(), "absent sensitivity is neutral");
        assertEquals(0, b1.conversionRate());
        assertEquals(null, b1.lastDealAt());
    }

    @Test
    void jsonLines() {
        DirectoryImport.Result result = DirectoryImport.jsonLines(new StringReader("""
                {"userId":"s1","lat":41.3,"lon":123.7,"role":"supplier","verified":true,"categories":["废钢"],"features":{"monthlyTons":80},"preferences":{"contactTime":"evening"},"messagesReceived":4,"campaignTransactions":1,"conversionRate":0.25}

                {"userId":"b1","lat":-33.9,"lon":151.2,"role":"BUYER","phone":null,"materials":["cardboard"]}
                """));

        assertTrue(result.accepted(), result.summary());
        assertEquals(2, result.entries().size());
        DirectoryEntry s1 = result.entries().get(0);
        assertEquals(Map.of("monthlyTons", 80.0), s1.features());
        assertEquals(Map.of("contactTime", "evening"), s1.preferences());
        assertEquals(4, s1.messagesReceived());
        assertEquals(1, s1.campaignTransactions());
        assertEquals(Role.BUYER, result.entries().get(1).role());
        assertEquals(List.of("cardboard"), result.entries().get(1).materials());
    }

    @Test
    void everyProblemNamesItsLineAndFieldAndNothingIsImported() {
        DirectoryImport.Result result = DirectoryImport.jsonLines(new StringReader("""
                {"userId":"ok","lat":41.3,"lon":123.7,"role":"supplier"}
                {"userId":"s2","lat":95,"lon":123.7,"role":"supplier"}
                {"userId":"s3","lat":41.3,"lon":-181,"role":"seller","verified":"yes"}
                {"lat":41.3,"lon":123.7,"role":"buyer","messageSensitivity":1.5,"conversionRate":-0.1}
                {"userId":"s5","lat":"north","lon":123.7,"role":"buyer","tradeFrequency":-2,"lastDealAt":"yesterday"}
                {"userId":"s6","lat":41,"lon":123,"role":"buyer","categories":["废钢",""],"features":{"tons":"many"},"lattitude":1}
                {"userId":"s7","lat":41,"lon":123,"role":"buyer","phone":"call me","messagesReceived":1,"campaignTransactions":2}
                not json
                [1,2]
                {"userId":"ok","lat":41.3,"lon":123.7,"role":"supplier"}
                """));

        assertFalse(result.accepted());
        assertEquals(List.of(), result.entries(), "all or nothing");
        List<String> problems = result.problems().stream().map(Object::toString).toList();
        assertEquals(List.of(
                "line 2: lat: must be within [-90, 90]",
                "line 3: lon: must be within [-180, 180]",
                "line 3: role: must be supplier or buyer, got 'seller'",
                "line 3: verified: must be true or false",
                "line 4: userId: required",
                "line 4: messageSensitivity: must be within [0, 1]",
                "line 4: conversionRate: must be within [0, 1]",
                "line 5: lat: must be a number",
                "line 5: tradeFrequency: must be ≥ 0",
                "line 5: lastDealAt: must be an RFC 3339 instant like 2026-10-23T08:00:00Z",
                "line 6: lattitude: unknown field",
                "line 6: categories: item 2 must be a non-empty name",
                "line 6: feature.tons: must be a number",
                "line 7: phone: must be a phone number: digits (spaces and dashes allowed), optionally after +",
                "line 7: campaignTransactions: must not exceed messagesReceived (1)",
                "line 8: not valid JSON: Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
                "line 9: must be a JSON object",
                "line 10: userId: 'ok' already appears on line 1"), problems);
        assertEquals(problems.size(), result.problemCount());
        assertTrue(result.summary().startsWith("rejected: 18 problems, nothing imported\nline 2: lat:"), result.summary());
    }

    @Test
    void problemsAreCappedButAllCounted() {
        StringBuilder file = new StringBuilder("userId,lat,lon,role\n");
        for (int i = 0; i < 120; i++) {
            file.append("u").append(i).append(",91,0,supplier\n");
        }
        DirectoryImport.Result result = DirectoryImport.csv(new StringReader(file.toString()));

        assertEquals(DirectoryImport.MAX_REPORTED, result.problems().size());
        assertEquals(120, result.problemCount());
        assertEquals("line 2: lat: must be within [-90, 90]", result.problems().getFirst().toString());
        assertTrue(result.summary().endsWith("\n... and 70 more"), result.summary());
    }

    @Test
    void csvHeaderProblemsStopTheImport() {
        DirectoryImport.Result result = DirectoryImport.csv(new StringReader(
                "userId,latitude,lon,lon,features\nu1,41,123,123,x\n"));

        assertEquals(List.of(
                "line 1: latitude: unknown column (features go in feature.NAME columns, preferences in preference.NAME)",
                "line 1: lon: the column appears twice",
                "line 1: features: unknown column (features go in feature.NAME columns, preferences in preference.NAME)",
                "line 1: lat: required column missing from the header",
                "line 1: role: required column missing from the header"),
                result.problems().stream().map(Object::toString).toList());
    }

    @Test
    void csvRowShapeAndQuoting() {
        DirectoryImport.Result result = DirectoryImport.csv(new StringReader("""
                userId,lat,lon,role,name
                u1,41,123,buyer
                u2,41,123,buyer,"open quote
                u3,41,123,buyer,"say ""hi"", then go"
                """));

        assertEquals(List.of("line 2: has 4 cells, the header has 5",
                        "line 3: a quoted cell is not closed (records must fit on one line)"),
                result.problems().stream().map(Object::toString).toList());
        List<String> cells = DirectoryImport.cells("u3,41,123,buyer,\"say \"\"hi\"\", then go\"", 4,
                new DirectoryImport.Problems());
        assertEquals(List.of("u3", "41", "123", "buyer", "say \"hi\", then go"), cells);
    }

    @Test
    void emptyFiles() {
        assertTrue(DirectoryImport.jsonLines(new StringReader("")).accepted());
        assertEquals("line 1: the file is empty: a CSV directory starts with a header line",
                DirectoryImport.csv(new StringReader("")).problems().getFirst().toString());
        DirectoryImport.Result headerOnly = DirectoryImport.csv(new StringReader("\uFEFFuserId,lat,lon,role\n"));
        assertTrue(headerOnly.accepted(), "a byte-order mark before the header is ignored");
        assertEquals(0, headerOnly.entries().size());
    }
}
