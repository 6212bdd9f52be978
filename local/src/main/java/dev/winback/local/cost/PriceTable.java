package dev.winback.local.cost;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.winback.local.WinbackCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A region's dated list prices ({@code config/prices-<region>.yaml}) and the model's assumptions
 * beside them. Every price says where it comes from and how sure that is, so a report can list the
 * figures nobody re-checked; a price or assumption the model asks for and the file lacks is an
 * error naming the key and the file.
 */
public record PriceTable(String source, String region, String currency, String asOf, Map<String, Price> prices,
                         Map<String, Double> assumptions) {

    /** How the figure was established (see the comment at the top of the price file). */
    public static final Set<String> STATUSES = Set.of("official", "secondary", "unverified", "example");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** {@code usd} per {@code per} units of {@code unit}. */
    public record Price(String key, double usd, double per, String unit, String status, String sourceUrl) {

        /** What {@code quantity} units cost. */
        public double cost(double quantity) {
            return quantity / per * usd;
        }
    }

    public static PriceTable load(Path file) {
        try {
            return parse(Files.readAllBytes(file), dev.winback.local.Home.shown(file));
        } catch (NoSuchFileException e) {
            throw new WinbackCommand.UserError("price table not found: " + file + " (pass --prices FILE)");
        } catch (IOException e) {
            throw new WinbackCommand.UserError("cannot read price table " + file + ": " + e.getMessage());
        }
    }

    public static PriceTable parse(byte[] yaml, String source) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            String line = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
            throw new WinbackCommand.UserError(source + line + ": not valid YAML: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new WinbackCommand.UserError("cannot read price table " + source + ": " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new WinbackCommand.UserError(source + ": expected a mapping with region, asOf, prices, assumptions");
        }
        Map<String, Price> prices = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : root.path("prices").properties()) {
            prices.put(entry.getKey(), price(source, entry.getKey(), entry.getValue()));
        }
        Map<String, Double> assumptions = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : root.path("assumptions").properties()) {
            if (!entry.getValue().isNumber()) {
                throw new WinbackCommand.UserError(source + ": assumption '" + entry.getKey() + "' must be a number");
            }
            assumptions.put(entry.getKey(), entry.getValue().asDouble());
        }
        return new PriceTable(source, text(root, "region", source), text(root, "currency", source),
                text(root, "asOf", source), Map.copyOf(prices), Map.copyOf(assumptions));
    }

    private static Price price(String source, String key, JsonNode node) {
        String where = source + ": price '" + key + "'";
        if (!node.path("usd").isNumber() || node.path("usd").asDouble() < 0) {
            throw new WinbackCommand.UserError(where + " needs 'usd', a number >= 0");
        }
        if (!node.path("per").isNumber() || node.path("per").asDouble() <= 0) {
            throw new WinbackCommand.UserError(where + " needs 'per', a number > 0");
        }
        String status = node.path("status").asText("");
        if (!STATUSES.contains(status)) {
            throw new WinbackCommand.UserError(where + ": 'status' must be one of " + new java.util.TreeSet<>(STATUSES));
        }
        String url = node.path("source").asText("");
        if (!url.startsWith("https://")) {
            throw new WinbackCommand.UserError(where + " needs 'source', the https:// page the price is published on");
        }
        return new Price(key, node.get("usd").asDouble(), node.get("per").asDouble(), node.path("unit").asText(""),
                status, url);
    }

    private static String text(JsonNode root, String field, String source) {
        JsonNode value = root.get(field);
        if (value == null || value.asText().isBlank()) {
            throw new WinbackCommand.UserError(source + ": '" + field + "' is missing");
        }
        return value.asText();
    }

    public Price price(String key) {
        Price price = prices.get(key);
        if (price == null) {
            throw new WinbackCommand.UserError(source + ": no price '" + key + "'");
        }
        return price;
    }

    public double assumption(String key) {
        Double value = assumptions.get(key);
        if (value == null) {
            throw new WinbackCommand.UserError(source + ": no assumption '" + key + "'");
        }
        return value;
    }
}
