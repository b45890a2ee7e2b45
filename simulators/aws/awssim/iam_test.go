package awssim

import (
	"net/url"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

const trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

func TestIAMRoles(t *testing.T) {
	_, cfg, _ := start(t, Options{})
	c := iam.NewFromConfig(cfg)
	ctx := t.Context()
	out, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("task-exec"), AssumeRolePolicyDocument: aws.String(trust),
		Tags: []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("ci")}}})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.Role.Arn) != "arn:aws:iam::123456789012:role/task-exec" || len(aws.ToString(out.Role.RoleId)) != 21 {
		t.Fatalf("role %+v", out.Role)
	}
	_, err = c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("task-exec"), AssumeRolePolicyDocument: aws.String(trust)})
	wantCode(t, err, "EntityAlreadyExists")
	_, err = c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("bad"), AssumeRolePolicyDocument: aws.String("{")})
	wantCode(t, err, "MalformedPolicyDocument")

	g, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("task-exec")})
	if err != nil {
		t.Fatal(err)
	}
	if doc, _ := url.QueryUnescape(aws.ToString(g.Role.AssumeRolePolicyDocument)); doc != trust || len(g.Role.Tags) != 1 {
		t.Errorf("GetRole: %q %+v", doc, g.Role.Tags)
	}
	policy := aws.String("arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")
	if _, err := c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("task-exec"), PolicyArn: policy}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("task-exec"), PolicyName: aws.String("logs"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[]}`)}); err != nil {
		t.Fatal(err)
	}
	att, err := c.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("task-exec")})
	if err != nil || len(att.AttachedPolicies) != 1 || aws.ToString(att.AttachedPolicies[0].PolicyName) != "AmazonECSTaskExecutionRolePolicy" {
		t.Errorf("attached: %v %+v", err, att)
	}
	if _, err := c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("task-exec"), PolicyName: aws.String("logs")}); err != nil {
		t.Error(err)
	}
	_, err = c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("task-exec")})
	wantCode(t, err, "DeleteConflict")
	c.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String("task-exec"), PolicyArn: policy})
	c.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String("task-exec"), PolicyName: aws.String("logs")})
	for i := range 3 {
		c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r" + string(rune('a'+i))), AssumeRolePolicyDocument: aws.String(trust)})
	}
	var n int
	p := iam.NewListRolesPaginator(c, &iam.ListRolesInput{MaxItems: aws.Int32(2)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n += len(page.Roles)
	}
	if n != 4 {
		t.Errorf("listed %d roles, want 4", n)
	}
	if _, err := c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("task-exec")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("task-exec")})
	wantCode(t, err, "NoSuchEntity")
}
