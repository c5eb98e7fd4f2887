# One image recipe for the four services; docker-compose.yml passes MODULE and MAIN_CLASS.
#   docker build --build-arg MODULE=otp-api --build-arg MAIN_CLASS=io.otppipeline.api.ApiMain -t otp-api .
FROM maven:3.9-eclipse-temurin-17 AS build
ARG MODULE
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests -pl "${MODULE}" -am install \
 && mvn -B -q -pl "${MODULE}" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=target/lib \
 && cp "${MODULE}"/target/"${MODULE}"-*.jar "${MODULE}"/target/lib/

FROM eclipse-temurin:17-jre
ARG MODULE
ARG MAIN_CLASS
ENV MAIN_CLASS=${MAIN_CLASS}
# curl for the compose healthchecks (GET /healthz)
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app otp && mkdir -p /var/lib/otp && chown otp /var/lib/otp
COPY --from=build /src/${MODULE}/target/lib/ /app/lib/
USER otp
WORKDIR /app
ENTRYPOINT ["sh", "-c", "exec java ${JAVA_OPTS:-} -cp '/app/lib/*' \"$MAIN_CLASS\""]
