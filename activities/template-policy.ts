import { DockerfileParser, type Instruction } from 'dockerfile-ast';

// A template's Dockerfile is an org admin's text, built by the legacy builder. RUN steps run on the firewalled build
// network; some instructions are carried out by the Docker daemon itself, from the host's own network, where the
// build firewall does not apply: ADD fetches URLs (the cloud metadata address, the service's registry, the
// Temporal UI), and FROM or COPY --from of any image reads another org's images from the service's registry. Those
// are refused; a template builds FROM ${BASE_IMAGE}, or from an earlier stage of its own.

const BASE_IMAGE = /^\$\{?BASE_IMAGE\}?$/;

function keywordOf(instruction: Instruction): { keyword: string; target: Instruction } {
  const trigger =
    instruction.getKeyword() === 'ONBUILD' ? (instruction as unknown as OnBuild).getTriggerInstruction() : null;
  return trigger
    ? { keyword: trigger.getKeyword(), target: trigger }
    : { keyword: instruction.getKeyword(), target: instruction };
}
type OnBuild = { getTriggerInstruction(): Instruction | null };

/** Why a template Dockerfile is refused (naming the line), or undefined when it may be built. */
export function templateViolation(dockerfile: string): string | undefined {
  const parsed = DockerfileParser.parse(dockerfile);
  const stages = new Set<string>();
  let stageCount = 0;
  for (const instruction of parsed.getInstructions()) {
    const line = `Dockerfile line ${instruction.getRange().start.line + 1}`;
    const { keyword, target } = keywordOf(instruction);
    if (keyword === 'ADD') {
      return `${line}: ADD is refused in a template (the Docker daemon fetches its URLs outside the build firewall); use COPY`;
    }
    if (keyword === 'FROM' && target === instruction) {
      const [image = '', as, stage] = instruction.getArguments().map((a) => a.getValue());
      if (!BASE_IMAGE.test(image) && !stages.has(image.toLowerCase())) {
        return `${line}: FROM ${image} is refused: a template builds FROM \${BASE_IMAGE} or an earlier stage of its own`;
      }
      if (as?.toLowerCase() === 'as' && stage) stages.add(stage.toLowerCase());
      stageCount++;
    }
    if (keyword === 'COPY') {
      for (const flag of (
        target as unknown as { getFlags(): Array<{ getName(): string; getValue(): string | null }> }
      ).getFlags()) {
        const from = flag.getName() === 'from' ? (flag.getValue() ?? '') : undefined;
        if (from === undefined) continue;
        const earlier = stages.has(from.toLowerCase()) || (/^\d+$/.test(from) && Number(from) < stageCount);
        if (!earlier)
          return `${line}: COPY --from=${from} is refused: only an earlier stage of the template may be copied from`;
      }
    }
  }
  return undefined;
}
