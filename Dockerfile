# syntax=docker/dockerfile:1
# Build: docker build -t nhacviec .
# Run:   docker run -v nhacviec-data:/var/lib/nhacviec -v $PWD/config:/etc/nhacviec nhacviec
#
# The build stage's commands work outside Docker too (see README, "Build").

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# Static binary; the time-zone database is embedded (time/tzdata in main.go).
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/nhacviec ./cmd/nhacviec \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/nhacviec /usr/local/bin/nhacviec
# The database volume must be writable by the non-root user (65532).
COPY --from=build --chown=65532:65532 /out/data /var/lib/nhacviec
COPY examples/nhacviec.yaml examples/ke-hoach-60-KH-SCT-2024-phu-luc-I.txt /etc/nhacviec/
ENV NHACVIEC_CONFIG=/etc/nhacviec/nhacviec.yaml \
    NHACVIEC_DATABASE=/var/lib/nhacviec/nhacviec.db \
    TZ=Asia/Ho_Chi_Minh
VOLUME ["/var/lib/nhacviec", "/etc/nhacviec"]
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/nhacviec"]
CMD ["run"]
