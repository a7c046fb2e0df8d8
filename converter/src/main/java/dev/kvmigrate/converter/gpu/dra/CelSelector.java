package dev.kvmigrate.converter.gpu.dra;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelErrorCode;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.CelType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelRuntime;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A DRA device selector: one CEL expression, compiled once, evaluated against {@link DraDevice}s.
 *
 * <p>Kubernetes DRA: CEL in DeviceClass and ResourceClaim selectors sees one variable, {@code device}, with
 * {@code driver}, {@code attributes} (domain → name → value) and {@code capacity} (domain → name → quantity); the
 * expression must yield a {@code bool}; a device is selected when it yields {@code true}, and an evaluation error
 * (a missing attribute: {@code no such key}) means the device is not selected.
 *
 * <p>Here {@code device} is declared as {@code map(string, dyn)} holding nested maps, so field selection,
 * {@code in} and {@code has()} behave as on Kubernetes' object type. Quantities are an opaque CEL type
 * {@code kubernetes.Quantity} (a {@link CelQuantity}: the quantity as written and its exact value from fabric8's
 * {@link Quantity#getAmountInBytes}), with Kubernetes' library functions {@code quantity(string)},
 * {@code isQuantity(string)}, and the members {@code compareTo}, {@code isGreaterThan}, {@code isLessThan},
 * {@code asInteger}, {@code asApproximateFloat}, {@code sign}. Version attributes are plain strings (Kubernetes'
 * {@code semver} functions are not provided). Instances are immutable and thread-safe.
 */
public final class CelSelector {
    /** The CEL type of a Kubernetes quantity, named as Kubernetes' CEL library names it. */
    static final CelType QUANTITY = OpaqueType.create("kubernetes.Quantity");

    /** A quantity as CEL sees it: as written ({@code 80Gi}) and its exact value. */
    public record CelQuantity(String text, BigDecimal value) {
        public CelQuantity {
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(value, "value");
        }

        /** Parses {@code 80Gi}, {@code 1500m}, {@code 2}; throws {@code IllegalArgumentException} when malformed. */
        public static CelQuantity parse(String text) {
            try {
                return new CelQuantity(text, Quantity.getAmountInBytes(new Quantity(text)));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("invalid quantity " + text + ": " + e.getMessage(), e);
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof CelQuantity q && value.compareTo(q.value) == 0;
        }

        @Override
        public int hashCode() {
            return value.stripTrailingZeros().hashCode();
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** The outcome of one evaluation. */
    public sealed interface Match {
        /** The expression yielded {@code true}. */
        Match MATCH = new Yes();
        /** The expression yielded {@code false}. */
        Match NO_MATCH = new No();

        /** Whether the device is selected (only on {@code true}: an error does not select it). */
        default boolean matched() {
            return this instanceof Yes;
        }

        /** Yielded {@code true}. */
        record Yes() implements Match {}

        /** Yielded {@code false}. */
        record No() implements Match {}

        /** Evaluation failed ({@code no such key: numa}); as in Kubernetes, the device is not selected. */
        record Error(String message) implements Match {
            public Error {
                Objects.requireNonNull(message, "message");
            }
        }
    }

    private static final Cel CEL = CelFactory.standardCelBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("device", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .addFunctionDeclarations(
                    CelFunctionDecl.newFunctionDeclaration("quantity",
                            CelOverloadDecl.newGlobalOverload("string_to_quantity", QUANTITY, SimpleType.STRING)),
                    CelFunctionDecl.newFunctionDeclaration("isQuantity",
                            CelOverloadDecl.newGlobalOverload("is_quantity_string", SimpleType.BOOL,
                                    SimpleType.STRING)),
                    CelFunctionDecl.newFunctionDeclaration("compareTo",
                            CelOverloadDecl.newMemberOverload("quantity_compare_to", SimpleType.INT, QUANTITY,
                                    QUANTITY)),
                    CelFunctionDecl.newFunctionDeclaration("isGreaterThan",
                            CelOverloadDecl.newMemberOverload("quantity_is_greater_than", SimpleType.BOOL, QUANTITY,
                                    QUANTITY)),
                    CelFunctionDecl.newFunctionDeclaration("isLessThan",
                            CelOverloadDecl.newMemberOverload("quantity_is_less_than", SimpleType.BOOL, QUANTITY,
                                    QUANTITY)),
                    CelFunctionDecl.newFunctionDeclaration("asInteger",
                            CelOverloadDecl.newMemberOverload("quantity_as_integer", SimpleType.INT, QUANTITY)),
                    CelFunctionDecl.newFunctionDeclaration("asApproximateFloat",
                            CelOverloadDecl.newMemberOverload("quantity_as_float", SimpleType.DOUBLE, QUANTITY)),
                    CelFunctionDecl.newFunctionDeclaration("sign",
                            CelOverloadDecl.newMemberOverload("quantity_sign", SimpleType.INT, QUANTITY)))
            .addFunctionBindings(
                    CelFunctionBinding.from("string_to_quantity", String.class, CelSelector::quantity),
                    CelFunctionBinding.from("is_quantity_string", String.class, CelSelector::isQuantity),
                    CelFunctionBinding.from("quantity_compare_to", CelQuantity.class, CelQuantity.class,
                            (a, b) -> (long) Integer.signum(a.value().compareTo(b.value()))),
                    CelFunctionBinding.from("quantity_is_greater_than", CelQuantity.class, CelQuantity.class,
                            (a, b) -> a.value().compareTo(b.value()) > 0),
                    CelFunctionBinding.from("quantity_is_less_than", CelQuantity.class, CelQuantity.class,
                            (a, b) -> a.value().compareTo(b.value()) < 0),
                    CelFunctionBinding.from("quantity_as_integer", CelQuantity.class, CelSelector::asInteger),
                    CelFunctionBinding.from("quantity_as_float", CelQuantity.class,
                            q -> q.value().doubleValue()),
                    CelFunctionBinding.from("quantity_sign", CelQuantity.class, q -> (long) q.value().signum()))
            .setResultType(SimpleType.BOOL)
            .build();

    private final String expression;
    private final CelRuntime.Program program;

    private CelSelector(String expression, CelRuntime.Program program) {
        this.expression = expression;
        this.program = program;
    }

    /**
     * Parses and type-checks {@code expression}.
     *
     * @throws IllegalArgumentException naming the expression and CEL's error: a syntax error, an undeclared
     *     reference, a result that is not a {@code bool}
     */
    public static CelSelector compile(String expression) {
        Objects.requireNonNull(expression, "expression");
        try {
            CelAbstractSyntaxTree ast = CEL.compile(expression).getAst();
            if (!SimpleType.BOOL.equals(ast.getResultType())) {
                // as Kubernetes: the checked type must be bool, not merely assignable to it (dyn)
                throw new IllegalArgumentException("CEL selector " + expression + " must evaluate to bool, not "
                        + ast.getResultType().name());
            }
            return new CelSelector(expression, CEL.createProgram(ast));
        } catch (CelValidationException e) {
            throw new IllegalArgumentException("CEL selector " + expression + " does not compile: "
                    + e.getMessage(), e);
        } catch (CelEvaluationException e) {
            throw new IllegalArgumentException("CEL selector " + expression + " cannot be planned: "
                    + e.getMessage(), e);
        }
    }

    /** The expression as written. */
    public String expression() {
        return expression;
    }

    /** Evaluates the selector against {@code device}: {@code MATCH}, {@code NO_MATCH} or an {@code Error}. */
    public Match matches(DraDevice device) {
        Objects.requireNonNull(device, "device");
        try {
            Object result = program.eval(Map.of("device", activation(device)));
            if (result instanceof Boolean b) {
                return b ? Match.MATCH : Match.NO_MATCH;
            }
            return new Match.Error("selector yielded " + result + ", not a bool"); // unreachable once checked
        } catch (CelEvaluationException e) {
            return new Match.Error(message(e));
        } catch (RuntimeException e) {
            return new Match.Error(Objects.requireNonNullElse(e.getMessage(), e.getClass().getSimpleName()));
        }
    }

    private static final Pattern NOT_PRESENT = Pattern.compile("key '(.*)' is not present in map\\.?");

    /** CEL's error, a missing key worded as Kubernetes words it ({@code no such key: numa}). */
    private static String message(CelEvaluationException e) {
        String text = Objects.requireNonNullElse(e.getMessage(), "evaluation error");
        if (e.getErrorCode() == CelErrorCode.ATTRIBUTE_NOT_FOUND && e.getCause() != null
                && e.getCause().getMessage() != null) {
            String cause = e.getCause().getMessage();
            Matcher m = NOT_PRESENT.matcher(cause);
            return "no such key: " + (m.matches() ? m.group(1) : cause);
        }
        return text;
    }

    /** The {@code device} variable: driver, attributes as-is, capacity as quantities. */
    static Map<String, Object> activation(DraDevice device) {
        Map<String, Object> capacity = new LinkedHashMap<>();
        device.capacity().forEach((domain, values) -> {
            Map<String, Object> quantities = new LinkedHashMap<>();
            values.forEach((name, text) -> {
                try {
                    quantities.put(name, CelQuantity.parse(text));
                } catch (IllegalArgumentException e) {
                    // a malformed capacity is left out: a selector reading it fails with "no such key"
                }
            });
            capacity.put(domain, quantities);
        });
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("driver", device.driver());
        vars.put("attributes", device.attributes());
        vars.put("capacity", capacity);
        return vars;
    }

    private static CelQuantity quantity(String text) throws CelEvaluationException {
        try {
            return CelQuantity.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CelEvaluationException(e.getMessage(), e);
        }
    }

    private static boolean isQuantity(String text) {
        try {
            CelQuantity.parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static long asInteger(CelQuantity q) throws CelEvaluationException {
        try {
            return q.value().longValueExact();
        } catch (ArithmeticException e) {
            throw new CelEvaluationException("quantity " + q.text() + " is not an integer in int64 range", e);
        }
    }

    @Override
    public String toString() {
        return expression;
    }
}
