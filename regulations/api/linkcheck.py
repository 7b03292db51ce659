"""The link checker's API: POST addresses or a memo's text to /api/links/check/, get each address's outcome back."""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework import status as http_status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from regulations.api.serializers.json_types import JSONTypesChecked
from regulations.history import versions
from regulations.history.linkcheck import OUTCOMES, check_for_request, counts
from regulations.history.quoted_addresses import MAX_ADDRESS_LENGTH, MAX_ADDRESSES, MAX_TEXT, find_addresses


class LinkCheckRequestSerializer(JSONTypesChecked):
    addresses = serializers.ListField(
        child=serializers.CharField(max_length=MAX_ADDRESS_LENGTH),
        required=False,
        max_length=MAX_ADDRESSES,
        error_messages={
            "max_length": f"At most {MAX_ADDRESSES} addresses per request; send the rest in another request."
        },
        help_text=f"Addresses to check (full, or paths such as /documents/…/), at most {MAX_ADDRESSES}.",
    )
    text = serializers.CharField(
        required=False,
        max_length=MAX_TEXT,
        error_messages={
            "blank": "The text is empty: send a memo's text with links in it, or a list of addresses.",
            "max_length": f"The text is too long: at most {MAX_TEXT:,} characters per request.",
        },
        help_text="A memo's text (plain, Markdown or HTML): every address in it is checked. Instead of addresses.",
    )
    as_of = serializers.DateField(
        required=False,
        allow_null=True,
        error_messages={"invalid": "as_of: write the date as YYYY-MM-DD, e.g. 2024-01-31."},
        help_text="The memo's date: a text changed after it is reported as changed. Addresses pinned to "
        "a date (@YYYY-MM-DD/ or ?as_of=) use their own date.",
    )

    def validate_as_of(self, value):
        if value is not None:
            try:
                versions.parse_day(value.isoformat())
            except versions.InvalidDate as error:
                raise serializers.ValidationError(f"as_of: {error}") from None
        return value

    def validate(self, attrs):
        addresses, text = attrs.get("addresses"), attrs.get("text")
        if addresses and text is not None:
            raise serializers.ValidationError("Send either a list of addresses or a text, not both.")
        if not addresses and text is None:
            raise serializers.ValidationError("Send “addresses” (a list of addresses) or “text” (a memo's text).")
        return attrs


class LinkCheckResultSerializer(serializers.Serializer):
    address = serializers.CharField(help_text="The address as given (tidied of surrounding brackets and quotes).")
    outcome = serializers.ChoiceField(choices=list(OUTCOMES))
    message = serializers.CharField(help_text="What was found, in a sentence.")
    current_url = serializers.CharField(
        allow_null=True, help_text="Where to go now: the new address if moved, the replacing rule if superseded."
    )
    redline_url = serializers.CharField(allow_null=True, help_text="Rulebook's revisions since the reference date.")
    changed_on = serializers.DateField(
        allow_null=True, help_text="The first change after the reference date: the law's (amended) or ours (revised)."
    )
    removed_on = serializers.DateField(allow_null=True)
    title = serializers.CharField(allow_blank=True, help_text="The document, or the provision with its document.")
    since = serializers.DateField(allow_null=True, help_text="The reference date the text was compared with.")


LinkCheckCountsSerializer = type(
    "LinkCheckCountsSerializer",
    (serializers.Serializer,),
    {outcome: serializers.IntegerField() for outcome in OUTCOMES},
)


class LinkCheckResponseSerializer(serializers.Serializer):
    results = LinkCheckResultSerializer(many=True)
    counts = LinkCheckCountsSerializer()


class LinkCheckProblemSerializer(serializers.Serializer):
    detail = serializers.CharField()


def _first_message(errors) -> str:
    """One readable sentence from DRF's nested validation errors: the first error, and where it is."""
    if isinstance(errors, dict):
        if not errors:
            return "The request cannot be used."
        key, value = next(iter(errors.items()))
        message = _first_message(value)
        if str(key).isdigit():
            return f"address {int(key) + 1}: {message}"
        if key == "non_field_errors" or str(key).lower() in message.lower() or message.startswith("address "):
            return message
        return f"{key}: {message}"
    if isinstance(errors, list | tuple):
        return _first_message(errors[0]) if errors else "The request cannot be used."
    return str(errors)


@extend_schema(
    request=LinkCheckRequestSerializer,
    responses={200: LinkCheckResponseSerializer, 400: LinkCheckProblemSerializer},
    summary="Check links quoted in a memo",
    description="Each address comes back as ok, changed (since the memo's date or its own pinned date, with a "
    "redline), moved (with the new address), removed (with the date), not_ours or unknown. Send a list of "
    f"addresses (at most {MAX_ADDRESSES}) or a memo's text. Anyone may call it; it only reads.",
    examples=[
        OpenApiExample(
            "Two addresses and the memo's date",
            value={
                "addresses": [
                    "/documents/industrial-carbon-peaking-2022/part_2__sec_7__item_2/",
                    "https://example.com/x",
                ],
                "as_of": "2024-01-31",
            },
            request_only=True,
        )
    ],
)
class LinkCheckAPIView(APIView):
    """Check the Rulebook addresses quoted in a client memo."""

    permission_classes = [AllowAny]

    def post(self, request):
        incoming = LinkCheckRequestSerializer(data=request.data)
        if not incoming.is_valid():
            return Response({"detail": _first_message(incoming.errors)}, status=http_status.HTTP_400_BAD_REQUEST)
        data = incoming.validated_data
        if data.get("text") is not None:
            addresses = find_addresses(data["text"])
            if addresses.dropped:
                return Response(
                    {"detail": f"The text holds more than {MAX_ADDRESSES} addresses; send it in parts."},
                    status=http_status.HTTP_400_BAD_REQUEST,
                )
        else:
            addresses = data["addresses"]
        results = check_for_request(request, addresses, data.get("as_of"))
        return Response({"results": [result.as_dict() for result in results], "counts": counts(results)})
