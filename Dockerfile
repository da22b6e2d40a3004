# dx-scraper's image: built with the project's own wrapper on a JDK, run on a JRE of the same
# major as a non-root user. docker-compose.yml builds it; alone:
#   docker build -t dx-scraper .
#   docker run --rm dx-scraper --help
FROM eclipse-temurin:21.0.5_11-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -q -B package -DskipTests -pl scraper -am

FROM eclipse-temurin:21.0.5_11-jre
RUN useradd --system --uid 10001 --home-dir /var/lib/dx-scraper --shell /usr/sbin/nologin dx-scraper \
    && mkdir -p /var/lib/dx-scraper /opt/dx-scraper \
    && chown dx-scraper:dx-scraper /var/lib/dx-scraper
COPY --from=build /src/scraper/target/dx-scraper.jar /opt/dx-scraper/dx-scraper.jar
COPY jvm.options /opt/dx-scraper/jvm.options
USER dx-scraper
# The journal (and, without --db-url, the embedded PostgreSQL) lives here: mount a volume.
# Two malloc arenas instead of one per core and thread: less resident memory for the same work.
ENV DX_SCRAPER_DATA_DIR=/var/lib/dx-scraper \
    DX_SCRAPER_METRICS_LISTEN=0.0.0.0:9464 \
    MALLOC_ARENA_MAX=2
VOLUME /var/lib/dx-scraper
EXPOSE 9464
# `dx-scraper health` asks /health: the image needs no curl.
HEALTHCHECK --interval=30s --timeout=15s --start-period=90s --retries=3 \
    CMD ["java", "-XX:TieredStopAtLevel=1", "-Xmx32m", "-jar", "/opt/dx-scraper/dx-scraper.jar", "health", "--metrics-listen", "127.0.0.1:9464"]
# The project's measured JVM settings (jvm.options): a bounded heap whatever the container's limit.
ENTRYPOINT ["java", "@/opt/dx-scraper/jvm.options", "-jar", "/opt/dx-scraper/dx-scraper.jar"]
CMD ["run"]
