package io.otppipeline.api.v1;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import io.otppipeline.schemas.reply.FactorEnrolledReply;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.commons.codec.binary.Base32;

/**
 * What an authenticator app needs to enrol, shown once in the enrolment's answer: the {@code otpauth://} URI of
 * Google's Key Uri Format (github.com/google/google-authenticator/wiki/Key-Uri-Format), its QR code (ZXing), and
 * the base32 secret (RFC 4648, without padding) for typing in by hand. The secret is the one otp-api drew and
 * sealed into the enrolment command; it is never written anywhere else in clear.
 */
final class FactorEnrollment {

    /** Side of the QR image, in pixels. */
    private static final int QR_PIXELS = 256;

    private FactorEnrollment() {
    }

    /**
     * The {@code 201} body of an enrolment.
     *
     * @param issuer {@code api.totp.issuer}: the service name the app shows (label prefix and {@code issuer})
     * @param account the account name the app shows: the tenant's user id
     * @param secret the secret the command carried
     */
    static ReplyAnswers.FactorBody body(final FactorEnrolledReply reply, final String issuer, final String account,
                                        final byte[] secret) {
        final String base32 = new Base32().encodeAsString(secret).replace("=", "");
        final String uri = uri(reply, issuer, account, base32);
        return new ReplyAnswers.FactorBody(reply.status().wireName(), reply.factorId(), reply.type().wireName(), uri,
                qrPngBase64(uri), base32, null);
    }

    /**
     * {@code otpauth://<type>/<issuer>:<account>?secret=…&issuer=…&algorithm=…&digits=…&period=…} (TOTP) or
     * {@code …&counter=0} (HOTP).
     */
    static String uri(final FactorEnrolledReply reply, final String issuer, final String account,
                      final String base32Secret) {
        final StringBuilder uri = new StringBuilder("otpauth://").append(reply.type().wireName()).append('/')
                .append(encode(issuer)).append(':').append(encode(account))
                .append("?secret=").append(base32Secret)
                .append("&issuer=").append(encode(issuer))
                .append("&algorithm=").append(reply.algorithm())
                .append("&digits=").append(reply.digits());
        if (reply.periodSeconds() > 0) {
            uri.append("&period=").append(reply.periodSeconds());
        } else {
            uri.append("&counter=0");
        }
        return uri.toString();
    }

    /**
     * {@code text} as a QR code (ZXing's encoder), drawn black on white into a one-bit image that the JDK's ImageIO
     * writes as PNG; base64.
     */
    static String qrPngBase64(final String text) {
        try {
            final BitMatrix matrix = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, QR_PIXELS, QR_PIXELS,
                    Map.of(EncodeHintType.MARGIN, 2));
            final BufferedImage image = new BufferedImage(matrix.getWidth(), matrix.getHeight(),
                    BufferedImage.TYPE_BYTE_BINARY);
            for (int y = 0; y < matrix.getHeight(); y++) {
                for (int x = 0; x < matrix.getWidth(); x++) {
                    image.setRGB(x, y, matrix.get(x, y) ? 0xFF000000 : 0xFFFFFFFF);
                }
            }
            final ByteArrayOutputStream png = new ByteArrayOutputStream();
            if (!ImageIO.write(image, "png", png)) {
                throw new IllegalStateException("the JDK has no PNG writer");
            }
            return Base64.getEncoder().encodeToString(png.toByteArray());
        } catch (WriterException e) {
            throw new IllegalStateException("URI does not fit a QR code", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Percent-encoding with {@code %20} for spaces, as the Key Uri Format asks. */
    private static String encode(final String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
