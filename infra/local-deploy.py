"""Deploys template.yaml to a local AWS emulator's CloudFormation (MiniStack) the way `sam deploy` would.

Usage (from the repository root, after `./mvnw -pl functions -am package` and `infra/tools/setup.sh sam`):

    .venv-sam/bin/python infra/local-deploy.py --endpoint http://127.0.0.1:4566 \\
        [--stack-name winback-local] [--parameter-overrides Stage=test DailyCouponBudget=500.00 ...]
    .venv-sam/bin/python infra/local-deploy.py --endpoint http://127.0.0.1:4566 --delete

Steps: translate the SAM template to plain CloudFormation with the pinned aws-sam-translator (no AWS
call: every function has an explicit role, so no managed-policy lookup is needed), upload the Lambda
jar and the translated template to an artifact bucket on the emulator (the translated template is
larger than the 51,200 bytes CreateStack accepts inline, as with `sam deploy`), CreateStack or
UpdateStack with the parameters, wait for the stack, and print one JSON document on stdout: the
stack's status, parameters, outputs, resources and what was skipped. Progress goes to stderr.
Exit status: 0 when the stack reached CREATE_COMPLETE or UPDATE_COMPLETE (or had nothing to update),
1 when it failed (the failed resources and their reasons are printed), 2 on bad arguments.

Resource types the emulator cannot create are listed in MINISTACK_LACKS. They are removed from the
translated template and reported, never dropped silently ("skipped: <type> <logical id> (MiniStack
lacks it)"); a resource or output that references a skipped one is an error. Any other type the
emulator refuses fails the deployment with its own "Unrecognized resource types" message.

Only the standard library, aws-sam-translator, boto3 and PyYAML (all in .venv-sam) are used. The
emulator takes any credentials; AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY default to "test".
"""
import argparse
import copy
import hashlib
import json
import os
import sys
import time
from pathlib import Path
from types import SimpleNamespace

try:
    import boto3
    import botocore.exceptions
    from botocore.config import Config
    import samtranslator
    from samtranslator.translator.transform import transform
    from samtranslator.yaml_helper import yaml_parse
except ImportError as missing:  # pragma: no cover - guidance only
    sys.exit(f"local-deploy: {missing}; run it with .venv-sam/bin/python (built by infra/tools/setup.sh sam)")

ROOT = Path(__file__).resolve().parent.parent

# The aws-sam-translator this script was written against (aws-sam-cli 1.170.0 in
# infra/tools/requirements-sam.txt). Another version may translate differently; it is reported.
PINNED_TRANSLATOR = "1.115.0"

# Resource types MiniStack 1.5.33's CloudFormation has no provisioner for, and why skipping them
# is acceptable locally. Only resources whose absence leaves the rest of the stack meaningful
# belong here.
MINISTACK_LACKS = {
    # SES email receiving (ContentMailboxDomain + ContentMailboxRuleSet, off by default): the
    # operator's content then goes straight into s3://<ContentBucketName>/mailbox/.
    "AWS::SES::ReceiptRule": "SES receipt rules (content mailbox by email)",
}

# As samconfig.toml acknowledges: the stack's IAM resources have generated names. The SAM
# transform is applied here already, so no CAPABILITY_AUTO_EXPAND either.
CAPABILITIES = ["CAPABILITY_IAM"]
DONE = {"CREATE_COMPLETE", "UPDATE_COMPLETE"}


def log(message):
    print(f"local-deploy: {message}", file=sys.stderr, flush=True)


class Refused(Exception):
    """A deployment that cannot go on; main() prints the message and exits with `status`."""

    def __init__(self, message, status=1):
        super().__init__(message)
        self.status = status


def parse_overrides(pairs):
    """Key=Value pairs, as `sam deploy --parameter-overrides` takes them (quotes around values allowed)."""
    values = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise Refused(f"parameter override {pair!r} is not Key=Value", status=2)
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[key] = value
    return values


def sam_functions(template):
    return {name: resource for name, resource in template.get("Resources", {}).items()
            if resource.get("Type") == "AWS::Serverless::Function"}


def translate(template, region, code_uri):
    """The SAM template as plain CloudFormation, every function's code at code_uri."""
    sam = copy.deepcopy(template)
    for resource in sam_functions(sam).values():
        resource.setdefault("Properties", {})["CodeUri"] = code_uri
    # The translator reads the region (for ARNs it builds) from the boto session's environment.
    os.environ["AWS_DEFAULT_REGION"] = region
    no_managed_policies = SimpleNamespace(load=lambda: {})
    return transform(sam, {}, no_managed_policies)


def references(node):
    """Logical ids a template fragment refers to through Ref, Fn::GetAtt, Fn::Sub and DependsOn."""
    found = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref" and isinstance(value, str):
                found.add(value)
            elif key == "Fn::GetAtt":
                target = value[0] if isinstance(value, list) else str(value).split(".", 1)[0]
                found.add(target)
            elif key == "Fn::Sub":
                text = value[0] if isinstance(value, list) else value
                if isinstance(text, str):
                    for part in text.split("${")[1:]:
                        found.add(part.split("}", 1)[0].split(".", 1)[0])
                found |= references(value)
            elif key == "DependsOn":
                found |= set(value if isinstance(value, list) else [value])
            else:
                found |= references(value)
    elif isinstance(node, list):
        for item in node:
            found |= references(item)
    return found


def skip_unsupported(cfn):
    """Removes the resources of MINISTACK_LACKS types; refuses when anything still refers to one."""
    resources = cfn["Resources"]
    skipped = [{"logicalId": name, "type": r["Type"], "condition": r.get("Condition", ""),
                "reason": f"MiniStack lacks it: {MINISTACK_LACKS[r['Type']]}"}
               for name, r in resources.items() if r["Type"] in MINISTACK_LACKS]
    names = {entry["logicalId"] for entry in skipped}
    for name in names:
        del resources[name]
    for section in ("Resources", "Outputs"):
        for name, body in (cfn.get(section) or {}).items():
            dangling = references(body) & names
            if dangling:
                raise Refused(f"{section[:-1].lower()} {name} refers to {sorted(dangling)}, which MiniStack "
                              "cannot create; cannot deploy without it")
    for entry in skipped:
        only_when = f"; created only when {entry['condition']}" if entry["condition"] else ""
        log(f"skipped: {entry['type']} {entry['logicalId']} (MiniStack lacks it{only_when})")
    return skipped


def ensure_bucket(s3, bucket, region):
    try:
        s3.head_bucket(Bucket=bucket)
    except botocore.exceptions.ClientError:
        if region == "us-east-1":
            s3.create_bucket(Bucket=bucket)
        else:
            s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})


def upload(s3, bucket, prefix, data, suffix):
    """Stores data under a content-addressed key (a changed jar changes the functions' Code and versions)."""
    key = f"{prefix}/{hashlib.sha256(data).hexdigest()}{suffix}"
    try:
        s3.head_object(Bucket=bucket, Key=key)  # same content already there
    except botocore.exceptions.ClientError:
        s3.put_object(Bucket=bucket, Key=key, Body=data)
    return key


def stack_status(cloudformation, name):
    """The stack's status, or None when there is no such stack (or only a deleted one)."""
    try:
        stacks = cloudformation.describe_stacks(StackName=name)["Stacks"]
    except botocore.exceptions.ClientError as e:
        if "does not exist" in str(e):
            return None
        raise
    status = stacks[0]["StackStatus"] if stacks else "DELETE_COMPLETE"
    return None if status == "DELETE_COMPLETE" else status


def stack_exists(cloudformation, name):
    return stack_status(cloudformation, name) is not None


def wait(cloudformation, name, timeout):
    deadline = time.monotonic() + timeout
    while True:
        stack = cloudformation.describe_stacks(StackName=name)["Stacks"][0]
        if not stack["StackStatus"].endswith("_IN_PROGRESS"):
            return stack
        if time.monotonic() > deadline:
            raise Refused(f"stack {name} still {stack['StackStatus']} after {timeout} s")
        time.sleep(0.25)


def failures(cloudformation, name):
    events = cloudformation.describe_stack_events(StackName=name)["StackEvents"]
    return [f"{e['LogicalResourceId']} ({e['ResourceType']}): {e.get('ResourceStatusReason', '')}"
            for e in events if e["ResourceStatus"].endswith("_FAILED")]


def delete(cloudformation, name, timeout):
    if not stack_exists(cloudformation, name):
        log(f"no stack {name}")
        return 0
    cloudformation.delete_stack(StackName=name)
    deadline = time.monotonic() + timeout
    while (status := stack_status(cloudformation, name)) is not None:
        if status == "DELETE_FAILED":
            raise Refused(f"deleting {name} failed: {failures(cloudformation, name)}")
        if time.monotonic() > deadline:
            raise Refused(f"stack {name} still {status} after {timeout} s")
        time.sleep(0.25)
    log(f"deleted stack {name}")
    return 0


def main(argv=None):
    try:
        return deploy(argv)
    except Refused as e:
        log(str(e))
        return e.status


def deploy(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoint", default=os.environ.get("MINISTACK_ENDPOINT", "http://127.0.0.1:4566"),
                        help="emulator base URL (default: $MINISTACK_ENDPOINT or http://127.0.0.1:4566)")
    parser.add_argument("--region", default=os.environ.get("AWS_REGION", "us-east-1"))
    parser.add_argument("--stack-name", default="winback-local")
    parser.add_argument("--template", default=str(ROOT / "template.yaml"))
    parser.add_argument("--jar", default=str(ROOT / "functions/target/winback-functions-lambda.jar"),
                        help="the shaded Lambda jar every function runs")
    parser.add_argument("--artifact-bucket", help="bucket for the jar and template (default: <stack>-artifacts)")
    parser.add_argument("--parameter-overrides", nargs="*", default=[], metavar="KEY=VALUE")
    parser.add_argument("--timeout", type=int, default=300, help="seconds to wait for the stack")
    parser.add_argument("--translated-out", help="also write the translated CloudFormation template here")
    parser.add_argument("--delete", action="store_true",
                        help="delete the stack instead (its Retain resources - tables, key, bucket - stay)")
    args = parser.parse_args(argv)

    if samtranslator.__version__ != PINNED_TRANSLATOR:
        log(f"aws-sam-translator {samtranslator.__version__}, written against {PINNED_TRANSLATOR}")
    jar = Path(args.jar)
    if not jar.is_file():
        raise Refused(f"{jar} not found; build it first: ./mvnw -B -pl functions -am package -DskipTests", status=2)
    template = yaml_parse(Path(args.template).read_text())
    declared = template.get("Parameters", {})
    overrides = parse_overrides(args.parameter_overrides)
    unknown = sorted(set(overrides) - set(declared))
    if unknown:
        raise Refused(f"unknown parameters {unknown}; the template declares {sorted(declared)}", status=2)

    session = boto3.session.Session(
        aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", "test"),
        aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "test"),
        region_name=args.region)
    config = Config(retries={"max_attempts": 3}, s3={"addressing_style": "path"})
    s3 = session.client("s3", endpoint_url=args.endpoint, config=config)
    cloudformation = session.client("cloudformation", endpoint_url=args.endpoint, config=config)

    if args.delete:
        return delete(cloudformation, args.stack_name, args.timeout)

    started = time.monotonic()
    bucket = args.artifact_bucket or f"{args.stack_name.lower()}-artifacts"
    ensure_bucket(s3, bucket, args.region)
    jar_key = upload(s3, bucket, args.stack_name, jar.read_bytes(), ".jar")
    log(f"code: s3://{bucket}/{jar_key}")

    cfn = translate(template, args.region, f"s3://{bucket}/{jar_key}")
    skipped = skip_unsupported(cfn)
    body = json.dumps(cfn, separators=(",", ":")).encode()
    if args.translated_out:
        Path(args.translated_out).write_text(json.dumps(cfn, indent=2))
    template_key = upload(s3, bucket, args.stack_name, body, ".template.json")
    template_url = f"{args.endpoint.rstrip('/')}/{bucket}/{template_key}"
    log(f"translated: {len(cfn['Resources'])} resources, {len(body)} bytes")

    parameters = [{"ParameterKey": k, "ParameterValue": v} for k, v in sorted(overrides.items())]
    request = dict(StackName=args.stack_name, TemplateURL=template_url, Parameters=parameters,
                   Capabilities=CAPABILITIES)
    if stack_status(cloudformation, args.stack_name) == "ROLLBACK_COMPLETE":
        # A stack whose creation failed can only be deleted (sam deploy does the same).
        log(f"stack {args.stack_name} failed to create earlier; deleting it first")
        delete(cloudformation, args.stack_name, args.timeout)
    try:
        if stack_exists(cloudformation, args.stack_name):
            log(f"updating stack {args.stack_name}")
            cloudformation.update_stack(**request)
        else:
            log(f"creating stack {args.stack_name}")
            cloudformation.create_stack(**request)
    except botocore.exceptions.ClientError as e:
        if "No updates are to be performed" not in str(e):
            log(f"refused: {e}")
            return 1
        log("no changes")
    stack = wait(cloudformation, args.stack_name, args.timeout)
    status = stack["StackStatus"]
    log(f"{args.stack_name}: {status} in {time.monotonic() - started:.1f} s")

    resources = cloudformation.describe_stack_resources(StackName=args.stack_name)["StackResources"]
    report = {
        "stackName": stack["StackName"],
        "stackId": stack["StackId"],
        "stackStatus": status,
        "translator": samtranslator.__version__,
        "templateUrl": template_url,
        "parameters": {p["ParameterKey"]: p.get("ParameterValue", "") for p in stack.get("Parameters", [])},
        "outputs": {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])},
        "resources": {r["LogicalResourceId"]: {"type": r["ResourceType"], "physicalId": r.get("PhysicalResourceId", ""),
                                               "status": r["ResourceStatus"]} for r in resources},
        "skipped": skipped,
    }
    json.dump(report, sys.stdout, indent=2, sort_keys=True)
    print()
    if status not in DONE:
        for failure in failures(cloudformation, args.stack_name):
            log(f"failed: {failure}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
