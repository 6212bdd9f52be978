package dev.winback.local.invoke;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Reader;

/**
 * Reads a CloudFormation/SAM YAML template into its long (JSON) form: {@code !Ref X} becomes
 * {@code {"Ref": "X"}}, {@code !GetAtt X.Arn} {@code {"Fn::GetAtt": ["X", "Arn"]}}, {@code !Sub s}
 * {@code {"Fn::Sub": s}} and so on. A plain YAML reader would drop the tags and turn {@code !Ref StateTable}
 * into the literal "StateTable", indistinguishable from a literal value; the long form keeps the difference.
 */
final class CloudFormationYaml {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private CloudFormationYaml() {
    }

    static JsonNode read(Reader yaml) throws IOException {
        try (JsonParser parser = new YAMLFactory().createParser(yaml)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return NODES.objectNode();
            }
            return value(parser);
        }
    }

    /** The value at the parser's current token (a scalar or the start of a collection), tags expanded. */
    private static JsonNode value(JsonParser parser) throws IOException {
        String tag = parser.getTypeId() instanceof String t ? t : null; // read before moving past the token
        JsonNode plain = switch (parser.currentToken()) {
            case START_OBJECT -> {
                ObjectNode object = NODES.objectNode();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    parser.nextToken();
                    object.set(name, value(parser));
                }
                yield object;
            }
            case START_ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    array.add(value(parser));
                }
                yield array;
            }
            case VALUE_STRING -> NODES.textNode(parser.getText());
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> NODES.numberNode(parser.getDecimalValue());
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NULL -> NODES.nullNode();
            default -> throw new IOException("unexpected YAML token " + parser.currentToken()
                    + " at " + parser.currentLocation());
        };
        return tag == null ? plain : longForm(tag, plain);
    }

    /** {@code !Tag value} as CloudFormation's JSON long form. Unknown or YAML core tags ({@code !!str}) stay plain. */
    private static JsonNode longForm(String tag, JsonNode value) {
        return switch (tag) {
            case "Ref", "Condition" -> NODES.objectNode().set(tag, value);
            case "GetAtt" -> {
                JsonNode arguments = value;
                if (value.isTextual()) {
                    // !GetAtt Resource.Attribute (an attribute may itself contain dots: Endpoint.Address)
                    String text = value.asText();
                    int dot = text.indexOf('.');
                    arguments = dot < 0 ? NODES.arrayNode().add(text)
                            : NODES.arrayNode().add(text.substring(0, dot)).add(text.substring(dot + 1));
                }
                yield NODES.objectNode().set("Fn::GetAtt", arguments);
            }
            case "Sub", "If", "Equals", "Not", "And", "Or", "Join", "Select", "Split", "FindInMap", "GetAZs",
                 "ImportValue", "Base64", "Cidr", "Length", "ToJsonString", "Transform" ->
                    NODES.objectNode().set("Fn::" + tag, value);
            default -> value;
        };
    }
}
