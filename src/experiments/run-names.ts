import { randomInt } from 'node:crypto';

// Word lists in the spirit of MLflow's generated names (`bold-fox-123`).
const ADJECTIVES = [
  'able', 'bold', 'brave', 'bright', 'calm', 'clever', 'crisp', 'dapper', 'eager', 'fair', 'fine', 'gentle',
  'glad', 'grand', 'honest', 'jolly', 'keen', 'kind', 'lively', 'loud', 'lucky', 'merry', 'neat', 'nimble',
  'polite', 'proud', 'quick', 'quiet', 'rare', 'rich', 'shy', 'silent', 'smart', 'sly', 'swift', 'tidy',
  'vast', 'warm', 'wise', 'zesty',
];
const ANIMALS = [
  'ant', 'ape', 'asp', 'bat', 'bear', 'bee', 'boar', 'cat', 'cod', 'colt', 'cow', 'crab', 'crow', 'deer',
  'doe', 'dog', 'eel', 'elk', 'fish', 'fly', 'fox', 'frog', 'gnu', 'goat', 'hare', 'hawk', 'hen', 'jay',
  'koi', 'lark', 'lion', 'mole', 'moth', 'mule', 'newt', 'owl', 'ox', 'pig', 'ram', 'rat', 'seal', 'slug',
  'swan', 'toad', 'wasp', 'wolf', 'worm', 'yak',
];

/** `<adjective>-<animal>-<0..1000>`, lower case, at most 20 characters. */
export function generateRunName(): string {
  for (;;) {
    const name = `${ADJECTIVES[randomInt(ADJECTIVES.length)]}-${ANIMALS[randomInt(ANIMALS.length)]}-${randomInt(1001)}`;
    if (name.length <= 20) return name;
  }
}
