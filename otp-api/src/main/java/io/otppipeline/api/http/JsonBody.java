package io.otppipeline.api.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.javalin.http.Context;
import io.otppipeline.api.http.Problem.FieldError;
import io.otppipeline.schemas.Json;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Reads a JSON request body into a record, with RFC 9457 answers that name the field but never echo a value.
 *
 * <p>Strict (RFC 8259 leaves these to the parser; a security API should not guess): a duplicate key, anything after
 * the value, and a number or boolean where text is expected (or text where a number is) are all {@code 400}; an
 * unknown field is {@code 400} without its name, which the client chose and is not echoed.
 */
public final class JsonBody {

    private static final ObjectMapper STRICT = strict();

    private JsonBody() {
    }

    /**
     * @throws ProblemException 415 unless the body is {@code application/json}; 400 for malformed JSON, an
     *     unknown field or a field of the wrong type
     */
    public static <T> T read(final Context ctx, final Class<T> type) {
        final String contentType = ctx.contentType();
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new ProblemException(Problem.of(415, "unsupported-media-type", "Unsupported media type",
                    "Send the body as application/json."));
        }
        final T value;
        try {
            value = STRICT.readValue(ctx.bodyAsBytes(), type);
        } catch (UnrecognizedPropertyException e) {
            throw new ProblemException(malformed("The body has a field this request does not take."));
        } catch (JsonMappingException e) {
            final String field = path(e);
            throw new ProblemException(field.isEmpty() ? malformed("The body must be a JSON object.")
                    : Problem.validation(List.of(new FieldError(field, "has the wrong type"))));
        } catch (JsonProcessingException e) {
            throw new ProblemException(malformed("The body is not valid JSON."));
        } catch (IOException e) {
            throw new ProblemException(malformed("The body could not be read."));
        }
        if (value == null) {
            throw new ProblemException(malformed("The body must be a JSON object."));
        }
        return value;
    }

    private static ObjectMapper strict() {
        final ObjectMapper mapper = Json.mapper().copy();
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        for (CoercionInputShape shape : List.of(CoercionInputShape.Integer, CoercionInputShape.Float,
                CoercionInputShape.Boolean)) {
            mapper.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
        for (LogicalType number : List.of(LogicalType.Integer, LogicalType.Float, LogicalType.Boolean)) {
            mapper.coercionConfigFor(number).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        }
        return mapper;
    }

    private static Problem malformed(final String detail) {
        return Problem.of(400, "malformed-body", "Malformed body", detail);
    }

    private static String path(final JsonMappingException e) {
        return e.getPath().stream().map(ref -> ref.getFieldName() == null ? "[" + ref.getIndex() + "]"
                : ref.getFieldName()).collect(Collectors.joining("."));
    }
}
