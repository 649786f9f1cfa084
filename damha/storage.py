from whitenoise.storage import CompressedManifestStaticFilesStorage


class SRISafeManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Manifest storage that leaves the bytes of vendored assets alone.

    The manifest storage rewrites ``sourceMappingURL`` comments (and ``url()`` in
    CSS) to hashed names, which changes the bytes of vendored libraries and breaks
    their Subresource Integrity hashes (TOOLING.md): the browser then refuses
    Bootstrap's stylesheet and script. So ``*.js`` is never rewritten, and nothing under
    ``vendor/`` (the npm copies, DAMHA_ASSETS=local) either; our own CSS still is.
    """

    patterns = tuple((ext, rules) for ext, rules in CompressedManifestStaticFilesStorage.patterns if ext != "*.js")
    manifest_strict = False

    def url_converter(self, name, hashed_files, template=None):
        if name.startswith("vendor/"):
            return lambda match: match["matched"]
        return super().url_converter(name, hashed_files, template)
