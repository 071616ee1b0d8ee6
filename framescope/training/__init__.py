"""Training: fit a family, select the champion, evaluate it, and counterfactual augmentation."""
