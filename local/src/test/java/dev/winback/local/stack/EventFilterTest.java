package dev.winback.local.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventFilterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The ConversionFunction and DirectoryFunction mappings' patterns from template.yaml. */
    private final EventFilter orders = EventFilter.of(List.of("{\"data\": {\"type\": [\"order_placed\"]}}"));
    private final EventFilter directory = EventFilter.of(List.of(
            "{\"data\": {\"type\": [\"profile_updated\", \"message_read\", \"message_clicked\", \"transaction\"]}}"));

    @Test
    void aLiteralListMatchesAnyOfItsValues() {
        assertTrue(orders.matches(record("{\"data\": {\"type\": \"order_placed\", \"userId\": \"u-1\"}}")));
        assertFalse(orders.matches(record("{\"data\": {\"type\": \"page_enter\"}}")));
        assertTrue(directory.matches(record("{\"data\": {\"type\": \"transaction\"}}")));
        assertFalse(directory.matches(record("{\"data\": {\"type\": \"order_placed\"}}")));
    }

    @Test
    void aRecordWithoutTheFieldOrWithDataThatIsNotJsonDoesNotMatch() {
        assertFalse(orders.matches(record("{\"data\": {\"userId\": \"u-1\"}}")));
        assertFalse(orders.matches(record("{\"data\": \"not json\"}")));
        assertFalse(orders.matches(record("{}")));
    }

    @Test
    void anyOfSeveralFiltersLetsARecordThrough() {
        EventFilter either = EventFilter.of(List.of("{\"data\": {\"type\": [\"login\"]}}", "{\"partitionKey\": [{\"prefix\": \"vip-\"}]}"));
        assertTrue(either.matches(record("{\"partitionKey\": \"u-1\", \"data\": {\"type\": \"login\"}}")));
        assertTrue(either.matches(record("{\"partitionKey\": \"vip-7\", \"data\": {\"type\": \"app_open\"}}")));
        assertFalse(either.matches(record("{\"partitionKey\": \"u-1\", \"data\": {\"type\": \"app_open\"}}")));
    }

    @Test
    void existsAnythingButNumbersAndArrays() {
        assertTrue(EventFilter.of(List.of("{\"data\": {\"couponId\": [{\"exists\": false}]}}"))
                .matches(record("{\"data\": {\"type\": \"order_placed\"}}")));
        assertFalse(EventFilter.of(List.of("{\"data\": {\"type\": [{\"anything-but\": [\"login\", \"logout\"]}]}}"))
                .matches(record("{\"data\": {\"type\": \"logout\"}}")));
        assertTrue(EventFilter.of(List.of("{\"data\": {\"quantity\": [2]}}")).matches(record("{\"data\": {\"quantity\": 2.0}}")));
        assertTrue(EventFilter.of(List.of("{\"data\": {\"tags\": [\"vip\"]}}")).matches(record("{\"data\": {\"tags\": [\"new\", \"vip\"]}}")));
    }

    @Test
    void operatorsItCannotApplyAreRefusedNotIgnored() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> EventFilter.of(List.of("{\"data\": {\"amount\": [{\"numeric\": [\">\", 100]}]}}")));
        assertTrue(refused.getMessage().contains("not supported"), refused.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EventFilter.of(List.of("{\"data\": {\"type\": \"order_placed\"}}")));
        assertEquals(true, EventFilter.NONE.matches(record("{}")));
    }

    private static JsonNode record(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
