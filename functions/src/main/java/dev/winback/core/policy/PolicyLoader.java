package dev.winback.core.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

/** Reads a policy from YAML; unknown or missing settings are errors that name the setting. */
public final class PolicyLoader {

    /** Where the default policy sits inside the jar (copied from config/policy.yaml at build). */
    public static final String DEFAULT_RESOURCE = "/winback/policy.yaml";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .registerModule(new JavaTimeModule())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private PolicyLoader() {
    }

    public static Policy defaults() {
        try (InputStream in = PolicyLoader.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new PolicyException("default policy " + DEFAULT_RESOURCE + " is missing from the classpath");
            }
            return parse(in.readAllBytes(), "default policy");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Policy fromFile(Path file) {
        try {
            return parse(Files.readAllBytes(file), file.toString());
        } catch (IOException e) {
            throw new PolicyException("cannot read policy " + file + ": " + e.getMessage(), e);
        }
    }

    public static Policy parse(byte[] yaml, String source) {
        try {
            Policy policy = YAML.readValue(yaml, Policy.class);
            PolicyChecks.check(policy, source);
            return policy;
        } catch (JsonMappingException e) {
            String path = e.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining("."));
            String line = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
            throw new PolicyException(source + ": setting '" + path + "'" + line + ": " + e.getOriginalMessage(), e);
        } catch (JsonProcessingException e) {
            String line = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
            throw new PolicyException(source + line + ": not valid YAML: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new PolicyException(source + ": " + e.getMessage(), e);
        }
    }
}
