"""Word lists used by `paperlake.extraction` (general vocabulary, not tied to any labelled paper)."""

from __future__ import annotations

# Well-known evaluation benchmarks / datasets (matched case-insensitively on word boundaries).
BENCHMARKS = """
HumanEval HumanEval+ MBPP MBPP+ MMLU MMLU-Pro CMMLU C-Eval GSM8K GSM-8K MATH MATH-500 MATH500 AIME AIME24 AIME25
AMC23 SVAMP AQuA MathQA ASDiv MT-Bench MT-bench AlpacaEval AlpacaEval2 "AlpacaEval 2.0" Arena-Hard ArenaHard
"Chatbot Arena" WildBench LiveBench LiveCodeBench BigCodeBench DS-1000  CodeContests MultiPL-E CRUXEval
SWE-bench SWE-Bench "SWE-bench Verified" HumanEval-X XLCoST CodeXGLUE Spider BIRD BBH BIG-Bench BIG-bench
"BIG-Bench Hard" HellaSwag WinoGrande Winogrande PIQA  ARC-Challenge ARC-Easy ARC-c ARC-e OpenBookQA BoolQ
SIQA CommonsenseQA TruthfulQA TriviaQA NaturalQuestions "Natural Questions"  HotpotQA 2WikiMultihopQA MuSiQue
SQuAD SQuAD2.0 DROP RACE LAMBADA WikiText WikiText2 WikiText-2 WikiText-103 PTB "Penn Treebank"  
 GLUE SuperGLUE XNLI MNLI SNLI SST-2 QNLI QQP RTE MRPC CoLA STS-B XQuAD XQUAD MLQA TyDiQA TyDi
"TyDi QA" XCOPA XStoryCloze PAWS-X Flores Flores-101 FLORES-200 FLORES WMT WMT14 WMT16 WMT19 WMT22 WMT23
IWSLT IWSLT14 CNN/DM CNN/DailyMail XSum SAMSum MultiNews "Multi-News"  PubMed GovReport QMSum
LongBench LongBench-v2 "Long Range Arena" LRA RULER InfiniteBench "Needle in a Haystack" NIAH Passkey ZeroSCROLLS
SCROLLS L-Eval LooGLE BABILong MTEB BEIR "MS MARCO" MSMARCO "MS-MARCO" TREC TREC-DL NFCorpus FiQA SciFact
LoTTE KILT ImageNet ImageNet-1K COCO "MS-COCO" MSCOCO Flickr30k NoCaps VQAv2 VQA-v2 GQA TextVQA OK-VQA OKVQA
ScienceQA MMMU MMBench MME MM-Vet SEED-Bench POPE LLaVA-Bench MathVista ChartQA DocVQA InfoVQA AI2D
Video-MME MVBench EgoSchema ActivityNet ActivityNet-QA MSVD-QA MSRVTT-QA MSRVTT NExT-QA MJHQ-30K GenEval
DPG-Bench T2I-CompBench LibriSpeech "LibriSpeech test-clean" CommonVoice "Common Voice" VoxCeleb AudioCaps
Clotho FLEURS CoVoST CoVoST2 "CoVoST 2" AISHELL AISHELL-1 GigaSpeech TED-LIUM VCTK LJSpeech AGIEval GPQA
IFEval FollowBench InFoBench "Arena-Hard-Auto" HHH Anthropic-HH HH-RLHF RealToxicityPrompts ToxiGen  BBQ
AdvBench HarmBench JailbreakBench XSTest StrategyQA CSQA "Natural Instructions" "Natural Instructions V2"
"Super-NaturalInstructions" SuperNI   MedQA MedMCQA PubMedQA USMLE MMLU-Med FinQA ConvFinQA TAT-QA
LegalBench ToolBench API-Bank ToolAlpaca WebShop ALFWorld HotPotQA WebArena Mind2Web AgentBench GAIA
MiniWoB MiniWoB++ VisualWebArena OSWorld SciQ QASPER Qasper NarrativeQA "Natural Question" QuALITY ContractNLI CUAD
ogbn-arxiv ogbn-products  CiteSeer PubMed ogbn-papers100M  "Vicuna Bench" VicunaBench
   LIMA UltraFeedback UltraChat HelpSteer "MT Bench" TextCaps SugarCrepe Winoground
HumanEvalPack EvalPlus CoNaLa ODEX ClassEval RepoBench CrossCodeEval "CodeSearchNet" MCoNaLa MGSM XWinograd
Belebele "M-MMLU" KoBEST KLUE CLUE JGLUE IndicGLUE "IndicXNLI" AfriSenti MasakhaNER WikiANN PAN-X CoNLL
CoNLL-2003 OntoNotes ACE05 TACRED DocRED FEVER HaluEval FActScore "SelfCheckGPT" MuTual PersonaChat
"Persona-Chat" DailyDialog Wizard-of-Wikipedia "Topical-Chat" ELI5 WritingPrompts ROCStories "Story Cloze"
MMLU-Redux SimpleQA HLE "Humanity's Last Exam" BrowseComp ARC-AGI ARC-AGI-2 SciCode ChemBench MoleculeNet QM9
"TL;DR" "tau-bench" τ-bench τ-Bench τ2-bench τ2-Bench "τ2 Bench" τ²-bench τ²-Bench
AppWorld AndroidWorld AndroidControl ScreenSpot ScreenSpot-Pro BFCL ScienceWorld BabyAI
MMStar HallusionBench RealWorldQA CV-Bench BLINK MMVP OCRBench MathVerse MathVision LongVideoBench MLVU
VBench HPSv2 ImageReward PartiPrompts DrawBench RefCOCO RefCOCO+ RefCOCOg VizWiz
ScanNet ScanNetV2 ScanNet++ ADE20K Cityscapes KITTI nuScenes "Waymo Open" LVIS Objects365 "Pascal VOC"
PASCAL-VOC CIFAR-10 CIFAR-100 ImageNet-21K ImageNet-22K Kinetics-400 Kinetics-600 Kinetics-700 UCF101 HMDB51
"Something-Something V2" SSv2 DAVIS YouTube-VOS Ego4D EPIC-KITCHENS LIBERO CALVIN Meta-World MetaWorld RLBench
ManiSkill ManiSkill2 ManiSkill3 "Atari 100k" D4RL Procgen Crafter Craftax Craftax-Classic NetHack MineDojo
LibriTTS SUPERB ESC-50 AudioSet MusicCaps "Open X-Embodiment" BridgeData SimplerEnv
ADE20k COCO-Stuff HumanML3D KIT-ML MSR-VTT "Mip-NeRF 360" "Tanks and Temples" LLFF ShapeNet Objaverse
NQ-Open NQ-Swap MemoTrap WebQuestions WebQSP MultiArith AddSub SingleEq GSM-Hard GSM-Plus Omni-MATH C4
""".strip()


def benchmark_names() -> list[str]:
    import shlex

    return list(dict.fromkeys(shlex.split(BENCHMARKS)))


# Nouns that make a bare integer a counted quantity ("21 PL pairs", "16 languages", "350 experiments").
COUNT_NOUNS = {
    "languages", "language", "tasks", "task", "benchmarks", "benchmark", "datasets", "dataset", "models", "model",
    "llms", "lms", "slms", "plms", "mllms", "vlms", "experiments", "rules", "types", "categories", "domains",
    "examples", "samples", "instances", "questions", "problems", "prompts", "images", "videos", "users",
    "participants", "annotators", "documents", "papers", "programs", "classes", "layers", "heads", "experts",
    "gpus", "steps", "epochs", "iterations", "turns", "entities", "attributes", "metrics", "subjects", "skills",
    "scenarios", "pairs", "queries", "instructions", "conversations", "dialogues", "sentences", "words",
    "articles", "repositories", "functions", "files", "apis", "tools", "agents", "nodes", "graphs", "settings",
    "dimensions", "topics", "countries", "sources", "modalities", "methods", "baselines", "algorithms",
    "architectures", "families", "variants", "configurations", "checkpoints", "trials", "runs", "seeds",
    "demonstrations", "shots", "candidates", "choices", "options", "labels", "objects", "scenes", "frames",
    "clips", "utterances", "speakers", "voices", "accents", "dialects", "scripts", "pls", "tokenizers",
    "vocabularies", "negatives", "responses", "answers", "judgments", "judgements", "annotations", "ratings",
    "comparisons", "preferences", "games", "environments", "websites", "apps", "applications", "devices",
    "platforms", "studies", "works", "patients", "molecules", "proteins", "cells", "genes", "records",
    "notes", "reports", "tables", "charts", "figures", "equations", "theorems", "proofs", "puzzles",
    "levels", "stages", "phases", "rounds", "hours", "minutes", "teams", "groups", "clusters",
    "codebooks", "channels", "blocks", "modules", "components", "neurons", "features", "concepts",
    "relations", "facts", "triples", "tuples", "passages", "chunks", "contexts", "pages",
    "books", "posts", "tweets", "reviews", "comments", "messages", "emails", "commits",
    "issues", "bugs", "vulnerabilities", "repos", "projects", "solutions", "submissions", "subtasks",
    "challenges", "competitions", "leaderboards", "evaluators", "judges", "raters", "workers", "people",
    "persons", "individuals", "codes", "respondents", "styles", "modes", "formats", "templates",
    "students", "teachers", "doctors", "clinicians", "data", "items", "cases", "points", "hypotheses", "directions", "pipelines", "workflows", "datapoints",
}

# Nouns for which a counted quantity is an amount of data (unit "examples").
EXAMPLE_NOUNS = {
    "examples", "samples", "instances", "data", "datapoints", "programs", "instructions", "conversations",
    "dialogues", "queries", "questions", "problems", "prompts", "documents", "negatives", "responses",
    "pairs_data", "images", "videos", "clips", "utterances", "sentences", "articles", "posts", "reviews",
    "annotations", "demonstrations", "judgments", "judgements", "ratings", "preferences", "passages",
    "solutions", "tweets", "comments", "messages", "emails", "books", "papers", "records", "triples",
    "trajectories", "texts", "captions", "pages", "notes", "reports", "items", "citations", "references", "abstracts",
    "transcripts", "screenshots", "photos", "episodes", "recordings", "hallucinations",
}

# Capitalised words that may precede a bare number without making it a version ("Over 70 ...").
NON_NAME_WORDS = {
    "a", "an", "the", "on", "in", "at", "of", "for", "to", "by", "with", "without", "from", "over", "under",
    "about", "around", "approximately", "nearly", "roughly", "only", "just", "all", "and", "or", "but",
    "using", "achieving", "reaching", "top", "first", "last", "more", "less", "than", "up", "overall",
    "across", "among", "these", "those", "this", "that", "we", "our", "its", "their", "after",
    "before", "within", "beyond", "exceeding", "least", "most", "some", "each", "every", "both",
    "while", "when", "where", "which", "whereas", "whilst", "also", "even", "still", "then", "thus",
    "here", "there", "yet", "so", "since", "until", "via", "per", "vs", "versus", "like", "as", "is",
    "are", "was", "were", "be", "been", "has", "have", "had", "can", "could", "will", "would", "may",
    "might", "shall", "should", "do", "does", "did", "train", "trained", "training", "requires", "require", "use", "uses", "used", "take", "takes", "took", "spanning", "ranging",
    "including", "includes", "include", "contains", "containing", "comprising", "covering", "spans",
    "span", "consists", "consisting", "involving", "collect", "collected", "release", "released",
    "evaluate", "evaluated", "evaluating", "outperforms", "outperform", "surpasses", "surpass",
    "achieves", "achieve", "attains", "attain", "reaches", "reach", "obtains", "obtain", "scores", "score",
    "yields", "yield", "improves", "improve", "reduces", "reduce", "gains", "gain", "boosts", "boost",
}
