"""The ARM emulator answers as ARM does: resources, collections with nextLink, child and
extension collections, ARM errors, the Blob listing; only with the token, only GET."""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET

import requests

from archproof.emulators.arm import ArmEmulator
from archproof.emulators.arm_store import ArmStore, is_collection, type_of
from conftest import NET, RG, SUBSCRIPTION

API = {"api-version": "2024-05-01"}


def get(emulator: ArmEmulator, path: str, **params: str) -> requests.Response:
    return requests.get(
        emulator.endpoint + path,
        params={**API, **params},
        headers={"Authorization": f"Bearer {emulator.token}"},
        verify=emulator.ca_file,
        timeout=10,
    )


def test_paths_name_types_and_collections() -> None:
    assert (
        type_of(f"{NET}/virtualNetworks/v/subnets") == "Microsoft.Network/virtualNetworks/subnets"
    )
    aks = f"{RG}/providers/Microsoft.ContainerService/managedClusters/aks"
    diagnostic = f"{aks}/providers/Microsoft.Insights/diagnosticSettings"
    assert type_of(diagnostic) == "Microsoft.Insights/diagnosticSettings"
    assert is_collection(diagnostic) and not is_collection(f"{diagnostic}/x")
    assert is_collection(f"/subscriptions/{SUBSCRIPTION}/resourceGroups")


def test_resources_and_collections(emulator: ArmEmulator) -> None:
    vnet = get(emulator, f"{NET}/virtualNetworks/vnet-prod").json()
    assert [s["name"] for s in vnet["properties"]["subnets"]][:2] == ["snet-web", "snet-app"]
    subnets = get(emulator, f"{NET}/virtualNetworks/vnet-prod/subnets").json()
    assert len(subnets["value"]) == 2 and "skiptoken" in subnets["nextLink"]  # page_size=2
    following = requests.get(
        subnets["nextLink"],
        verify=emulator.ca_file,
        timeout=10,
        headers={"Authorization": f"Bearer {emulator.token}"},
    ).json()
    assert [s["name"] for s in following["value"]] == ["snet-aks", "snet-data"]
    rules = get(emulator, f"{NET}/networkSecurityGroups/nsg-web/securityRules").json()
    assert rules["value"][0]["name"] == "allow-https"
    by_group = get(emulator, f"{RG}/providers/Microsoft.Compute/virtualMachines").json()
    assert by_group["value"] and "nextLink" not in by_group
    pools = get(
        emulator, f"{RG}/providers/Microsoft.ContainerService/managedClusters/aks-prod/agentPools"
    )
    assert [p["name"] for p in pools.json()["value"]] == ["system", "apps"]
    groups = get(emulator, f"/subscriptions/{SUBSCRIPTION}/resourceGroups").json()
    assert [g["name"] for g in groups["value"]] == ["rg-prod"]


def test_arm_errors(emulator: ArmEmulator) -> None:
    missing = get(emulator, f"{NET}/virtualNetworks/nope")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "ResourceNotFound"
    unknown = get(emulator, "/subscriptions/00000000-0000-4000-8000-000000000000")
    assert unknown.json()["error"]["code"] == "SubscriptionNotFound"
    anonymous = requests.get(
        f"{emulator.endpoint}{NET}/virtualNetworks", params=API, verify=emulator.ca_file, timeout=10
    )
    assert anonymous.status_code == 401
    write = requests.put(
        f"{emulator.endpoint}{NET}/virtualNetworks/x",
        params=API,
        json={},
        verify=emulator.ca_file,
        timeout=10,
        headers={"Authorization": f"Bearer {emulator.token}"},
    )
    assert write.status_code == 405


def test_forbidden_types_answer_authorization_failed() -> None:
    store = ArmStore(
        [{"id": f"{NET}/natGateways/n", "type": "Microsoft.Network/natGateways"}],
        forbidden=("Microsoft.Network/natGateways",),
    )
    status, body = store.answer(
        f"/subscriptions/{SUBSCRIPTION}/providers/Microsoft.Network/natGateways", {}, ""
    )
    assert status == 403 and body["error"]["code"] == "AuthorizationFailed"
    assert "Microsoft.Network/natGateways/read" in body["error"]["message"]


def test_blob_listing_is_the_blob_service_xml(emulator: ArmEmulator) -> None:
    answer = get(
        emulator, "/stprodbackups01/db-backups", restype="container", comp="list", maxresults="1"
    )
    root = ET.fromstring(answer.content)
    assert root.tag == "EnumerationResults" and root.findtext("NextMarker") == "1"
    assert root.findtext("Blobs/Blob/Name") == "pg/2024-03-03.dump"
    assert root.findtext("Blobs/Blob/Properties/Last-Modified") == "Sun, 03 Mar 2024 02:00:00 GMT"
    gone = get(emulator, "/stprodbackups01/gone", restype="container", comp="list")
    assert gone.status_code == 404 and gone.headers["x-ms-error-code"] == "ContainerNotFound"


def test_the_stand_in_az_prints_a_cli_token(emulator: ArmEmulator) -> None:
    env = emulator.client_env()
    assert env["AZURE_TOKEN_CREDENTIALS"] == "AzureCliCredential"
    assert env["AZURE_SUBSCRIPTION_ID"] == SUBSCRIPTION
    out = subprocess.run(
        [f"{emulator.bin_dir}/az", "account", "get-access-token", "--output", "json"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout
    assert emulator.token in out and '"tokenType": "Bearer"' in out
