# Sourced by the install scripts: when the service passed the build host's certificates, every package manager
# trusts them for this step only (nothing is added to the image's own trust store).
bundle=/opt/dispatch/build/ca-bundle.crt
if [ -s "$bundle" ]; then
  export PIP_CERT="$bundle" REQUESTS_CA_BUNDLE="$bundle" SSL_CERT_FILE="$bundle" \
    NODE_EXTRA_CA_CERTS="$bundle" npm_config_cafile="$bundle"
fi
