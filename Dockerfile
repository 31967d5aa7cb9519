# Levee image: the runnable jar and its libs/ (built by `mvn package`). Not built on the development machines
# (they have no Docker engine); see docs/deployment.md.
FROM eclipse-temurin:25-jre
WORKDIR /app
COPY target/libs /app/libs
COPY target/levee.jar /app/levee.jar
EXPOSE 8080
USER 65532:65532
ENTRYPOINT ["java", "-jar", "/app/levee.jar"]
