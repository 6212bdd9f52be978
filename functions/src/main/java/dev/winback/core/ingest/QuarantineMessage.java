package dev.winback.core.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * The JSON document a quarantined record becomes: its reason, where it came from, and its bytes
 * (as text when they are UTF-8, base64 otherwise), so an operator can fix and replay it.
 */
public final class QuarantineMessage {

    /** Records larger than this keep only their head: a queue message has a size limit too. */
    public static final int MAX_DATA_BYTES = 192 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    private QuarantineMessage() {
    }

    public static ObjectNode toJson(Quarantine.QuarantinedRecord quarantined) {
        StreamRecord record = quarantined.record();
        ObjectNode node = JSON.createObjectNode();
        ObjectNode reason = node.putObject("reason");
        reason.put("code", quarantined.reason().code());
        reason.put("field", quarantined.reason().field());
        reason.put("message", quarantined.reason().message());
        node.put("source", record.source());
        node.put("sequenceNumber", record.sequenceNumber());
        node.put("partitionKey", record.partitionKey());
        node.put("arrivedAt", record.arrivedAt() == null ? null : record.arrivedAt().toString());
        node.put("quarantinedAt", quarantined.quarantinedAt().toString());
        node.put("size", record.data().length);
        byte[] data = record.data();
        boolean truncated = data.length > MAX_DATA_BYTES;
        if (truncated) {
            data = Arrays.copyOf(data, MAX_DATA_BYTES);
        }
        String text = utf8(data);
        node.put("dataEncoding", text == null ? "base64" : "utf-8");
        node.put("data", text == null ? Base64.getEncoder().encodeToString(data) : text);
        node.put("truncated", truncated);
        return node;
    }

    public static String toJsonString(Quarantine.QuarantinedRecord quarantined) {
        return toJson(quarantined).toString();
    }

    private static String utf8(byte[] data) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
